// Command e2ereport reads `go test -json` on stdin, echoes the tests' output, and closes with the run's
// accounting: passed, failed and skipped tests, per-package results, and what is missing. It exits 1 unless
// every expected package passed and every expected top-level test reported a result (see report.go).
//
//	go test -json ./harness ./journeys | e2ereport -package allot/tests/e2e/harness \
//	    -package allot/tests/e2e/journeys -tests allot/tests/e2e/journeys=journeys -summary counts.txt
//
// -summary writes one line "PASSED FAILED SKIPPED" for scripts/test.sh.
package main

import (
	"flag"
	"fmt"
	"os"
	"sort"
	"strings"
)

type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, ",") }
func (l *listFlag) Set(v string) error { *l = append(*l, v); return nil }

func main() {
	var packages, tests listFlag
	flag.Var(&packages, "package", "import path that must report pass (repeatable)")
	flag.Var(&tests, "tests", "PKG=DIR: every top-level Test function declared in DIR must report a result in PKG (repeatable)")
	summary := flag.String("summary", "", "file to write \"PASSED FAILED SKIPPED\" to")
	flag.Parse()

	want := Expect{Packages: packages, Tests: map[string][]string{}}
	for _, t := range tests {
		pkg, dir, ok := strings.Cut(t, "=")
		if !ok {
			fmt.Fprintf(os.Stderr, "e2ereport: -tests wants PKG=DIR, got %q\n", t)
			os.Exit(2)
		}
		names, err := TestsInDir(dir)
		if err != nil || len(names) == 0 {
			fmt.Fprintf(os.Stderr, "e2ereport: no tests found in %s (%v)\n", dir, err)
			os.Exit(2)
		}
		want.Tests[pkg] = names
	}

	rep, err := Read(os.Stdin, os.Stdout)
	problems := rep.Problems(want)
	if err != nil {
		problems = append(problems, "reading the go test stream: "+err.Error())
	}
	passed, failed, skipped := rep.Counts(want)
	if err != nil && failed == 0 {
		failed = 1
	}

	fmt.Println("== e2e accounting ==")
	pkgs := make([]string, 0, len(rep.Packages))
	for p := range rep.Packages {
		pkgs = append(pkgs, p)
	}
	sort.Strings(pkgs)
	for _, p := range pkgs {
		st := rep.Packages[p]
		if st == "" {
			st = "unfinished"
		}
		fmt.Printf("package %s: %s\n", p, st)
	}
	for _, n := range rep.Notes {
		fmt.Printf("note: %s\n", n)
	}
	for _, p := range problems {
		fmt.Printf("PROBLEM: %s\n", p)
	}
	fmt.Printf("e2e: %d passed, %d failed, %d skipped\n", passed, failed, skipped)
	if *summary != "" {
		if err := os.WriteFile(*summary, []byte(fmt.Sprintf("%d %d %d\n", passed, failed, skipped)), 0o644); err != nil {
			fmt.Fprintf(os.Stderr, "e2ereport: %v\n", err)
			os.Exit(1)
		}
	}
	if len(problems) > 0 || failed > 0 {
		os.Exit(1)
	}
}
