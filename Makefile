# One entry point for the checks; CI runs the same through .ci/run.
.PHONY: test check bench search-table eval fmt

test:
	go test -race ./...

check:
	.ci/run

bench:
	go test -run '^$$' -bench . -benchtime 3s -timeout 30m ./retrieval ./internal/answer ./bot

# The README's search table, regenerated from a run of the search and restart benchmarks at
# every size (the 1M index takes about 15 minutes to build and 9 GB while it builds).
search-table:
	mkdir -p bench
	go test -run '^$$' -bench 'Search' -benchtime 200x -timeout 100m ./retrieval | tee bench/search.txt
	go test -run '^$$' -bench 'Startup' -benchtime 5x -timeout 30m ./retrieval | grep '^Benchmark' | tee -a bench/search.txt
	go run ./internal/benchtable -in bench/search.txt -readme README.md -date $$(date +%F)

# Every case set: the 30 original and 70 realistic development cases, our own development cases,
# and the held-out sets (own_holdout, own_reports_holdout) that are only ever measured, never tuned on.
EVAL_SETS = dev_qa dev_realistic own_dev lang_dev gate_dev short_dev own_holdout lang_holdout short_holdout
EVAL_REPORT_SETS = own_reports_dev own_reports_holdout

eval:
	@for s in $(EVAL_SETS); do echo "== $$s"; go run ./cmd/takeaway eval --cases internal/eval/testdata/$$s.jsonl --json; done
	@for s in $(EVAL_REPORT_SETS); do echo "== $$s (with internal/eval/testdata/reports)"; go run ./cmd/takeaway eval --cases internal/eval/testdata/$$s.jsonl --reports internal/eval/testdata/reports --json; done
	@echo "== fresh_holdout (with internal/eval/testdata/fresh/reports)"; go run ./cmd/takeaway eval --cases internal/eval/testdata/fresh/fresh_holdout.jsonl --reports internal/eval/testdata/fresh/reports --json
	@echo "== speakers_holdout (with internal/eval/testdata/speakers)"; go run ./cmd/takeaway eval --cases internal/eval/testdata/speakers/speakers_holdout.jsonl --reports internal/eval/testdata/speakers/platform-day-lisbon-2025.md --json

fmt:
	gofmt -w $$(git ls-files '*.go')
