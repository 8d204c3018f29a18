# The two commands a newcomer needs: `make run` and `make test`. The rest are shortcuts.
.PHONY: run test check setup train validate evaluate lint bench clean gateway console

run:        ## set up and chat with the assistant in the terminal (embedded default)
	./scripts/run.sh

test:       ## set up and run the whole test suite
	./scripts/test.sh

check:      ## the fast tier (under a minute, no services): ruff, mypy, unit tests
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	.venv/bin/mypy
	.venv/bin/python -m pytest tests/unit -q

setup:      ## venv, install, migrate, load the demo catalogue, train when stale
	./scripts/setup.sh

train:      ## train the model when config, domain or data changed
	./scripts/train.sh

validate:   ## check the training data and the catalogue files
	.venv/bin/rasa data validate --fail-on-warnings
	.venv/bin/mpp catalogue check

evaluate:   ## NLU figures on every held-out set: ours (lexicon toggled) vs the stock rasa init pipeline
	.venv/bin/python -m benchmarks.evaluate_nlu

lint:       ## ruff and mypy
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	.venv/bin/mypy

console:    ## the counter console, display board and kiosk (with the notifier), in .venv-edge; see README: Counter console
	./scripts/console.sh

gateway:    ## the Telegram/WhatsApp gateway in .venv-edge (needs Rasa running; see README: Telegram and WhatsApp)
	./scripts/setup.sh
	.venv-edge/bin/python -m bot.gateway

clean:
	rm -rf models var results .pytest_cache .mypy_cache .ruff_cache
