# The two commands a fresh clone needs: `make dev` (the whole system with its sandbox) and `make test`.
# Both install what they need first (Node 24 and pnpm into .tools/ when the machine's Node is older).
SHELL := /bin/bash
TOOLCHAIN := source scripts/toolchain.sh &&

.PHONY: dev test demo drills bench lint typecheck kafka-start kafka-stop

dev: ## Start Kafka, databases, topics, the sandbox and all five services; Ctrl-C stops them
	@$(TOOLCHAIN) node scripts/dev.ts

test: ## Unit, integration and end-to-end tests against real Kafka and PostgreSQL
	@$(TOOLCHAIN) node scripts/test.ts

demo: ## Scripted walk-through against a running `make dev`
	@$(TOOLCHAIN) node e2e/src/demo.ts

drills: ## Failure drills (kill -9, Kafka and PostgreSQL outages, provider faults) with a summary table; minutes
	@$(TOOLCHAIN) node e2e/drills/run.ts $(ARGS)

bench: ## Benchmarks that print numbers beside same-run references: webhook ack, invite latency per hop, memory, idle CPU (ARGS="--only idle")
	@$(TOOLCHAIN) node --disable-warning=TimeoutNegativeWarning e2e/bench/run.ts $(ARGS)

lint: ## Format and lint (biome), manifests against imports (knip), no test-only code in the runtime graph
	@$(TOOLCHAIN) pnpm exec biome check . && pnpm exec knip && node scripts/check-boundaries.ts

typecheck:
	@$(TOOLCHAIN) pnpm exec turbo run typecheck

kafka-start:
	@bash infra/local-kafka/kafka.sh start

kafka-stop:
	@bash infra/local-kafka/kafka.sh stop
