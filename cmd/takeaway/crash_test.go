package main

import (
	"fmt"
	"syscall"
	"testing"
	"time"
)

// TestAcknowledgedQuestionsSurviveSIGKILL runs a real `takeaway serve` in HTTP mode against a
// fake Slack that holds every post, acknowledges a batch of mentions, kills the process with
// SIGKILL while their answers are in flight, and starts it again on the same data directory:
// every acknowledged question must then be answered, exactly once.
func TestAcknowledgedQuestionsSurviveSIGKILL(t *testing.T) {
	bin := buildTakeaway(t)
	slack := newReplicaSlack(t)
	const secret = "crash-signing-secret"
	dataDir := t.TempDir()

	slack.mu.Lock()
	slack.stall = make(chan struct{})
	slack.mu.Unlock()
	first := startReplicaIn(t, "first", bin, secret, slack.URL, "", dataDir)
	first.waitReady(t)
	const n = 12
	threads := make([]string, n)
	for i := range n {
		threads[i] = fmt.Sprintf("1700000100.%06d", i+1)
		first.post(t, secret, replicaEvent(fmt.Sprintf("EvCrash%d", i+1), threads[i]), "") // acknowledged with 200
	}
	// Wait until answers are being posted (held by the fake), then kill the process.
	deadline := time.Now().Add(30 * time.Second)
	for slack.stalledPosts() == 0 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if slack.stalledPosts() == 0 {
		t.Fatalf("no answer was being posted within 30 s:\n%s", first.logs)
	}
	if err := first.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	first.done <- <-first.done // the exit, kept for the cleanup
	slack.mu.Lock()
	close(slack.stall)
	slack.stall = nil
	slack.mu.Unlock()
	for _, ts := range threads {
		if got := slack.answersIn(ts); len(got) != 0 {
			t.Fatalf("thread %s was answered before the kill; the test proves nothing:\n%s", ts, got)
		}
	}

	second := startReplicaIn(t, "second", bin, secret, slack.URL, "", dataDir)
	second.waitReady(t)
	deadline = time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) && !allAnswered(slack, threads) {
		time.Sleep(100 * time.Millisecond)
	}
	second.stop(t) // drains: nothing more can be posted after this
	slack.checkAnsweredOnce(t, threads...)
	if t.Failed() {
		t.Logf("second process:\n%s", second.logs)
	}
}

// TestReplicaFinishesWhatADeadReplicaAccepted: two replicas share PostgreSQL; A accepts a
// batch of mentions and is killed with SIGKILL while answering them; B, still running, takes
// each over once A's lease is over and answers it, exactly once.
func TestReplicaFinishesWhatADeadReplicaAccepted(t *testing.T) {
	dbURL := replicaSchema(t)
	bin := buildTakeaway(t)
	slack := newReplicaSlack(t)
	const secret = "crash-replica-secret"
	lease := "TAKEAWAY_REQUEST_LEASE=2s"

	a := startReplicaIn(t, "A", bin, secret, slack.URL, dbURL, t.TempDir(), lease)
	b := startReplicaIn(t, "B", bin, secret, slack.URL, dbURL, t.TempDir(), lease)
	a.waitReady(t)
	b.waitReady(t)
	slack.mu.Lock()
	slack.stall = make(chan struct{})
	slack.mu.Unlock()
	const n = 6
	threads := make([]string, n)
	for i := range n {
		threads[i] = fmt.Sprintf("1700000200.%06d", i+1)
		a.post(t, secret, replicaEvent(fmt.Sprintf("EvReplicaCrash%d", i+1), threads[i]), "")
	}
	deadline := time.Now().Add(30 * time.Second)
	for slack.stalledPosts() == 0 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if err := a.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	a.done <- <-a.done
	slack.mu.Lock()
	close(slack.stall)
	slack.stall = nil
	slack.mu.Unlock()

	deadline = time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) && !allAnswered(slack, threads) {
		time.Sleep(100 * time.Millisecond)
	}
	b.stop(t)
	slack.checkAnsweredOnce(t, threads...)
	if t.Failed() {
		t.Logf("replica A:\n%s\nreplica B:\n%s", a.logs, b.logs)
	}
}

// allAnswered reports whether every thread has an answer.
func allAnswered(s *replicaSlack, threads []string) bool {
	for _, ts := range threads {
		if len(s.answersIn(ts)) == 0 {
			return false
		}
	}
	return true
}
