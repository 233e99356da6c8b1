package main

// Each case writes a tiny module, runs the real `go test -json` on it and checks the accounting: a run
// that broke in any way the e2e lane has seen (or could) must come out with problems and at least one
// failure, never as "N passed, 0 failed".

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

const okTest = `package p
import "testing"
func TestA(t *testing.T) {}
func TestB(t *testing.T) { t.Run("sub", func(t *testing.T) {}); t.Run("skipped", func(t *testing.T) { t.Skip("why") }) }
`

// runGoTest writes files (name -> content) as module "m" with package p and returns the report of
// `go test -json ./p` and the expectation "package m/p passes, every Test in p reports".
func runGoTest(t *testing.T, files map[string]string, args ...string) (*Report, Expect) {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module m\n\ngo 1.22\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(dir, "p"), 0o755); err != nil {
		t.Fatal(err)
	}
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, "p", name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cmd := exec.Command("go", append([]string{"test", "-json", "-count=1"}, append(args, "./p")...)...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOFLAGS=", "GOWORK=off")
	out, _ := cmd.Output() // the exit status is what the lane must not rely on alone
	rep, err := Read(bytes.NewReader(out), nil)
	if err != nil {
		t.Fatal(err)
	}
	tests, err := TestsInDir(filepath.Join(dir, "p"))
	if err != nil {
		t.Fatal(err)
	}
	return rep, Expect{Packages: []string{"m/p"}, Tests: map[string][]string{"m/p": tests}}
}

func mustBreak(t *testing.T, rep *Report, want Expect, problem string) {
	t.Helper()
	problems := rep.Problems(want)
	if !containsSub(problems, problem) {
		t.Errorf("problems %q: none mentions %q", problems, problem)
	}
	if _, failed, _ := rep.Counts(want); failed == 0 {
		t.Errorf("a broken run counts 0 failed (problems %q)", problems)
	}
}

func containsSub(list []string, sub string) bool {
	for _, s := range list {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}

func TestGreenRunCountsEveryTestAndSkip(t *testing.T) {
	rep, want := runGoTest(t, map[string]string{"p_test.go": okTest})
	if p := rep.Problems(want); len(p) != 0 {
		t.Fatalf("problems in a green run: %q", p)
	}
	passed, failed, skipped := rep.Counts(want)
	if passed != 3 || failed != 0 || skipped != 1 { // TestA, TestB, TestB/sub; TestB/skipped
		t.Fatalf("counts %d/%d/%d, want 3 passed, 0 failed, 1 skipped", passed, failed, skipped)
	}
}

func TestBuildFailureIsAProblem(t *testing.T) {
	rep, want := runGoTest(t, map[string]string{"p_test.go": okTest, "broken_test.go": "package p\nfunc x() int { return \"no\" }\n"})
	mustBreak(t, rep, want, "package m/p failed")
	if len(rep.BuildFailures) == 0 {
		t.Errorf("build failure not recorded")
	}
	mustBreak(t, rep, want, "reported no result")
}

func TestMainExitingBeforeTestsIsAProblem(t *testing.T) {
	main := "package p\nimport (\"os\"; \"testing\")\nfunc TestMain(m *testing.M) { os.Exit(1) }\n"
	rep, want := runGoTest(t, map[string]string{"p_test.go": okTest, "main_test.go": main})
	mustBreak(t, rep, want, "reported no result")
	mustBreak(t, rep, want, "package m/p failed")
}

func TestPanicInAGoroutineIsAProblem(t *testing.T) {
	panics := "package p\nimport (\"testing\"; \"time\")\nfunc TestPanics(t *testing.T) { go func() { panic(\"boom\") }(); time.Sleep(time.Second) }\n"
	rep, want := runGoTest(t, map[string]string{"p_test.go": okTest, "panic_test.go": panics})
	mustBreak(t, rep, want, "package m/p failed")
}

func TestTimeoutIsAProblem(t *testing.T) {
	slow := "package p\nimport (\"testing\"; \"time\")\nfunc TestZSlow(t *testing.T) { time.Sleep(time.Minute) }\n"
	rep, want := runGoTest(t, map[string]string{"p_test.go": okTest, "slow_test.go": slow}, "-timeout", "2s")
	mustBreak(t, rep, want, "package m/p failed")
}

func TestMissingPackageIsAProblem(t *testing.T) {
	rep, want := runGoTest(t, map[string]string{"p_test.go": okTest})
	want.Packages = append(want.Packages, "m/journeys")
	mustBreak(t, rep, want, "package m/journeys did not run")
}

func TestFailedSubtestIsCounted(t *testing.T) {
	fails := "package p\nimport \"testing\"\nfunc TestF(t *testing.T) { t.Run(\"x\", func(t *testing.T) { t.Error(\"no\") }) }\n"
	rep, want := runGoTest(t, map[string]string{"p_test.go": okTest, "f_test.go": fails})
	mustBreak(t, rep, want, "test m/p TestF/x failed")
	if _, failed, _ := rep.Counts(want); failed != 2 { // TestF/x and TestF
		t.Errorf("failed = %d, want 2", failed)
	}
}

func TestNotesAreCollected(t *testing.T) {
	note := "package p\nimport \"testing\"\nfunc TestN(t *testing.T) { t.Log(\"e2e-note: replayed 3 of 4 scenarios\") }\n"
	rep, want := runGoTest(t, map[string]string{"p_test.go": okTest, "n_test.go": note}, "-v")
	if p := rep.Problems(want); len(p) != 0 {
		t.Fatalf("problems: %q", p)
	}
	if len(rep.Notes) != 1 || rep.Notes[0] != "replayed 3 of 4 scenarios" {
		t.Fatalf("notes %q", rep.Notes)
	}
}

func TestTestsInDirReadsDeclarationsNotStrings(t *testing.T) {
	names, err := TestsInDir(".")
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range names {
		if n == "TestA" || n == "TestB" || n == "TestMain" {
			t.Errorf("TestsInDir listed %s, which is not a test function of this package", n)
		}
	}
	if len(names) < 8 {
		t.Errorf("TestsInDir found %d tests in this package: %v", len(names), names)
	}
}
