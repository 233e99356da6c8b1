package main

// The accounting of one `go test -json` run: which packages passed, which tests passed, failed or skipped,
// and what is missing. A run is green only when every expected package reported "pass", every expected
// top-level test reported a result, and no test failed; everything else is a named problem.

import (
	"bufio"
	"encoding/json"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"unicode"
)

// event is one line of `go test -json` (cmd/test2json).
type event struct {
	Action      string
	Package     string
	ImportPath  string // build-output and build-fail events name the package being built here
	Test        string
	Output      string
	FailedBuild string
}

// Report is what one run showed. Counts are over every test and subtest that reported a result.
type Report struct {
	Passed, Failed, Skipped int
	// Per package: "pass", "fail", "skip" (no test files), or "" (started, never finished).
	Packages map[string]string
	// Tests that started but never reported a result (a timeout or a panic ends the binary first).
	Unfinished []string
	// Failed tests, in the order they failed.
	FailedTests []string
	// Packages whose build failed, with the compiler's first lines.
	BuildFailures map[string]string
	// Lines the tests print for the closing summary (e.g. "replayed 130 of 168 scenarios").
	Notes []string
	// Top-level tests that reported a result, per package.
	TopLevel map[string]map[string]string
}

// noteLine is output a test prints for the lane's summary: it starts with "e2e-note: ".
var noteLine = regexp.MustCompile(`e2e-note: (.*)`)

// Read consumes a `go test -json` stream. echo, when not nil, receives the tests' own output as
// `go test -v` would print it (so the lane's log stays readable). Lines that are not JSON (the go
// command's own messages, e.g. a module download) are echoed and otherwise ignored.
func Read(r io.Reader, echo io.Writer) (*Report, error) {
	rep := &Report{Packages: map[string]string{}, BuildFailures: map[string]string{}, TopLevel: map[string]map[string]string{}}
	running := map[string]bool{} // package + "\x00" + test
	var order []string
	build := map[string]*strings.Builder{}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for sc.Scan() {
		line := sc.Bytes()
		var ev event
		if len(line) == 0 || line[0] != '{' || json.Unmarshal(line, &ev) != nil {
			if echo != nil {
				fmt.Fprintf(echo, "%s\n", line)
			}
			continue
		}
		if ev.Action == "build-output" {
			if build[ev.ImportPath] == nil {
				build[ev.ImportPath] = &strings.Builder{}
			}
			build[ev.ImportPath].WriteString(ev.Output)
		}
		if ev.Action == "output" || ev.Action == "build-output" {
			if echo != nil {
				io.WriteString(echo, ev.Output)
			}
			if m := noteLine.FindStringSubmatch(ev.Output); m != nil {
				rep.Notes = append(rep.Notes, strings.TrimSpace(m[1]))
			}
			continue
		}
		key := ev.Package + "\x00" + ev.Test
		switch ev.Action {
		case "start":
			if _, ok := rep.Packages[ev.Package]; !ok {
				rep.Packages[ev.Package] = ""
			}
		case "run":
			running[key] = true
			order = append(order, key)
		case "pass", "fail", "skip":
			if ev.Test == "" {
				rep.Packages[ev.Package] = ev.Action
				if ev.Action == "fail" && ev.FailedBuild != "" {
					rep.BuildFailures[ev.Package] = ev.FailedBuild
				}
				continue
			}
			delete(running, key)
			switch ev.Action {
			case "pass":
				rep.Passed++
			case "fail":
				rep.Failed++
				rep.FailedTests = append(rep.FailedTests, ev.Package+" "+ev.Test)
			case "skip":
				rep.Skipped++
			}
			if !strings.Contains(ev.Test, "/") {
				if rep.TopLevel[ev.Package] == nil {
					rep.TopLevel[ev.Package] = map[string]string{}
				}
				rep.TopLevel[ev.Package][ev.Test] = ev.Action
			}
		}
	}
	if err := sc.Err(); err != nil {
		return rep, err
	}
	// FailedBuild names what did not compile (the test binary, or a dependency): show the compiler's lines.
	for pkg, failed := range rep.BuildFailures {
		if b := build[failed]; b != nil {
			rep.BuildFailures[pkg] = firstLines(b.String(), 10)
		}
	}
	for _, k := range order {
		if running[k] {
			pkg, test, _ := strings.Cut(k, "\x00")
			rep.Unfinished = append(rep.Unfinished, pkg+" "+test)
		}
	}
	return rep, nil
}

// Expect lists what a complete run must show.
type Expect struct {
	Packages []string            // import paths that must report "pass"
	Tests    map[string][]string // package -> top-level tests that must report a result
}

// Problems returns why the run is not green; none means it is.
func (r *Report) Problems(want Expect) []string {
	var out []string
	for _, pkg := range want.Packages {
		switch st, ok := r.Packages[pkg]; {
		case !ok:
			out = append(out, fmt.Sprintf("package %s did not run", pkg))
		case st == "":
			out = append(out, fmt.Sprintf("package %s did not finish (timeout, panic or killed)", pkg))
		case st == "fail":
			out = append(out, fmt.Sprintf("package %s failed", pkg))
		case st == "skip":
			out = append(out, fmt.Sprintf("package %s has no tests", pkg))
		}
	}
	for pkg, msg := range r.BuildFailures {
		out = append(out, fmt.Sprintf("build of %s failed: %s", pkg, msg))
	}
	pkgs := make([]string, 0, len(want.Tests))
	for pkg := range want.Tests {
		pkgs = append(pkgs, pkg)
	}
	sort.Strings(pkgs)
	for _, pkg := range pkgs {
		for _, test := range want.Tests[pkg] {
			if _, ok := r.TopLevel[pkg][test]; !ok {
				out = append(out, fmt.Sprintf("test %s of %s reported no result", test, pkg))
			}
		}
	}
	for _, u := range r.Unfinished {
		out = append(out, fmt.Sprintf("test %s started and never finished", u))
	}
	for _, f := range r.FailedTests {
		out = append(out, fmt.Sprintf("test %s failed", f))
	}
	return out
}

// Counts folds the run into the lane's numbers: each failed or unfinished test is one failure, and a run
// with problems but no failed test (a build failure, TestMain exiting, a package or journey that never
// ran) counts one failure, so that it can never close as "0 failed".
func (r *Report) Counts(want Expect) (passed, failed, skipped int) {
	failed = r.Failed + len(r.Unfinished)
	if failed == 0 && len(r.Problems(want)) > 0 {
		failed = 1
	}
	return r.Passed, failed, r.Skipped
}

// TestsInDir lists the top-level test functions declared in dir's *_test.go files (TestMain excluded),
// from the parsed source (so a test written inside a string, as in this package's own tests, is not one).
func TestsInDir(dir string) ([]string, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*_test.go"))
	if err != nil {
		return nil, err
	}
	fset := token.NewFileSet()
	var out []string
	for _, f := range files {
		file, err := parser.ParseFile(fset, f, nil, parser.SkipObjectResolution)
		if err != nil {
			return nil, err
		}
		for _, decl := range file.Decls {
			fn, ok := decl.(*ast.FuncDecl)
			if !ok || fn.Recv != nil || fn.Name.Name == "TestMain" || !isTestName(fn.Name.Name) {
				continue
			}
			out = append(out, fn.Name.Name)
		}
	}
	sort.Strings(out)
	return out, nil
}

// isTestName is `go test`'s rule: "Test" followed by nothing or by a character that is not lower case.
func isTestName(name string) bool {
	if !strings.HasPrefix(name, "Test") {
		return false
	}
	rest := name[len("Test"):]
	return rest == "" || !unicode.IsLower([]rune(rest)[0])
}

func firstLines(s string, n int) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	if len(lines) > n {
		lines = append(lines[:n], "…")
	}
	return strings.Join(lines, " | ")
}
