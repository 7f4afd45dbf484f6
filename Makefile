# One entry point for the checks; CI runs the same through .ci/run.
.PHONY: test check bench eval fmt

test:
	go test -race ./...

check:
	.ci/run

bench:
	go test -run '^$$' -bench . -benchtime 3s -timeout 30m ./retrieval ./internal/answer ./bot

eval:
	go run ./cmd/takeaway eval --cases internal/eval/testdata/dev_qa.jsonl

fmt:
	gofmt -w $$(git ls-files '*.go')
