# The spec's stack targets (spec §12.1). `make test` needs only Node and the local services (.ci/run starts them).
COMPOSE ?= docker compose

.PHONY: setup-complete-stack start-all-services stop logs test workers

## Build the images and start all 8 services, waiting until every health check passes.
setup-complete-stack:
	$(COMPOSE) build
	$(COMPOSE) up -d --wait
	@echo "Catalyst is up: http://catalyst.localhost (Traefik) or http://localhost:3000"

## Start the (already built) services and wait until they are healthy.
start-all-services:
	$(COMPOSE) up -d --wait

## Add N extra agent workers (default 2): make workers N=3
workers:
	$(COMPOSE) --profile workers up -d --wait --scale worker=$(or $(N),2)

stop:
	$(COMPOSE) --profile workers down

logs:
	$(COMPOSE) --profile workers logs -f --tail=200

test:
	npm test
