# The two commands a newcomer needs: `make demo` and `make test`.
GO ?= go

.PHONY: demo test browser services tools check bench bench-all fuzz faults

## demo: start PostgreSQL and Redis if needed, load a sample and serve it
demo: services
	$(GO) run ./cmd/dripline demo

## test: start PostgreSQL and Redis and install poppler-utils if needed, then vet and run every test
test: services tools
	$(GO) vet ./...
	$(GO) test -count=1 ./...

## browser: the web pages' tests in headless Chromium (installed if missing); screenshots in var/screenshots
browser: services
	@bash .ci/tools browser
	$(GO) test -count=1 -tags browser -run Browser ./internal/web

services:
	@bash .ci/services

## tools: install poppler-utils (pdftotext, pdfinfo), which the letters tests read PDFs with
tools:
	@bash .ci/tools

## check: formatting and staticcheck, the fault suite's files included (installs staticcheck from the module proxy),
## and that every planted bug of .ci/mutations.tsv still points at its code
check:
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || (gofmt -l $$(git ls-files '*.go'); exit 1)
	$(GO) run honnef.co/go/tools/cmd/staticcheck@v0.8.2 ./...
	$(GO) run honnef.co/go/tools/cmd/staticcheck@v0.8.2 -tags faults ./internal/faults/
	@bash .ci/mutate --check

## faults: the fault suite (internal/faults): the daemon killed, Redis flushed and down, PostgreSQL
## restarted, two daemons, SMTP faults, max-late; on a PostgreSQL cluster and a Redis of its own
faults: services
	$(GO) vet -tags faults ./internal/faults/
	$(GO) test -tags faults -count=1 -v -timeout 20m ./internal/faults/

## bench: the README's figures, each beside the machine's raw ceiling measured in the same run, with peak RSS (≈3 min)
bench: services
	$(GO) run ./internal/benchreport

## bench-all: every benchmark; the 64 MiB import runs last, alone in its process, for its peak memory
bench-all: services
	$(GO) test -run XXX -bench . -benchtime 2x $$($(GO) list ./... | grep -v /internal/postgres$$)
	$(GO) test -run XXX -bench 'Ceiling|ContactsImport|BulkEnroll|QueueDue' -benchtime 2x -short ./internal/postgres
	$(GO) test -run XXX -bench Import64MiB -benchtime 1x -timeout 20m ./internal/postgres

## fuzz: every fuzz target for FUZZTIME (default 20s) each
FUZZTIME ?= 20s
FUZZ_TARGETS = ./tracks:FuzzParse ./tracks:FuzzParseDuration ./templates:FuzzRenderText ./templates:FuzzPrintfSize ./templates:FuzzAppendEmailOutcome \
	./internal/csvio:FuzzParseContacts ./internal/csvio:FuzzParseEvents ./internal/crm:FuzzContactFields \
	./internal/email:FuzzParseURL ./internal/email:FuzzVerify ./internal/email:FuzzDecodeBounce ./internal/email:FuzzParseVERP \
	./internal/mailaddr:FuzzCheck ./internal/config:FuzzRedactURL ./internal/queue:FuzzParseRedisURL ./internal/queue:FuzzParseTouchID \
	./cmd/dripline:FuzzParseInterspersed ./letters:FuzzAddressLines ./letters:FuzzRender \
	./internal/config:FuzzParseOffset ./internal/config:FuzzAddressLine \
	./internal/crm:FuzzParseStages ./internal/crm:FuzzParseTerritories \
	./internal/config:FuzzParseConcurrency
fuzz:
	@for t in $(FUZZ_TARGETS); do \
		echo "fuzz $${t#*:} in $${t%%:*}"; \
		$(GO) test $${t%%:*} -run XXX -fuzz "^$${t#*:}\$$" -fuzztime $(FUZZTIME) || exit 1; \
	done
