"""Application status after the visit: recorded at the counter, told to the chat, asked about in chat."""
