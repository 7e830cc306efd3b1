# The two commands a newcomer needs: `make demo` and `make test`.
GO ?= go

.PHONY: demo test services check bench fuzz

## demo: start PostgreSQL and Redis if needed, load a sample and serve it
demo: services
	$(GO) run ./cmd/dripline demo

## test: start PostgreSQL and Redis if needed, then vet and run every test
test: services
	$(GO) vet ./...
	$(GO) test -count=1 ./...

services:
	@bash .ci/services

## check: formatting and staticcheck (installs staticcheck from the module proxy)
check:
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || (gofmt -l $$(git ls-files '*.go'); exit 1)
	$(GO) run honnef.co/go/tools/cmd/staticcheck@latest ./...

## bench: the benchmarks quoted in the README
bench: services
	$(GO) test -run XXX -bench . -benchtime 2x ./...

## fuzz: each fuzz target for 20 seconds
fuzz:
	$(GO) test ./tracks -run XXX -fuzz '^FuzzParseDuration$$' -fuzztime 20s
	$(GO) test ./tracks -run XXX -fuzz '^FuzzParse$$' -fuzztime 20s
	$(GO) test ./internal/csvio -run XXX -fuzz FuzzParseContacts -fuzztime 20s
	$(GO) test ./internal/csvio -run XXX -fuzz FuzzParseEvents -fuzztime 20s
