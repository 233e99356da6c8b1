// Command reference runs allocation scenarios and benchmark workloads through
// Kubernetes' own structured DRA allocator (k8s.io/dynamic-resource-allocation,
// the version pinned in go.mod), so that allot's decisions and speed can be
// compared with the real thing in one run on one machine.
//
//	reference check [-v] [-all-channels] DIR          compare every DIR/*.json scenario with its `expect`
//	reference bench [flags] FILE...   time Allocate on workload files, one JSON line each
//	reference expect FILE...          set `expect` of scenario files from the reference's decision
//
// Exit status: 0 on success, 1 when a check fails or a file cannot be run,
// 2 on usage errors.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"time"
)

func usage() {
	fmt.Fprintf(os.Stderr, `usage:
  reference check [-v] [-all-channels] DIR
  reference expect [-channel C] [-timeout DURATION] FILE...
  reference bench [-runs N] [-run-target DURATION] [-timeout DURATION] [-max-nodes N] [-channel stable|incubating|experimental] FILE...
`)
	os.Exit(2)
}

func main() {
	if len(os.Args) < 2 {
		usage()
	}
	switch os.Args[1] {
	case "check":
		fs := flag.NewFlagSet("check", flag.ExitOnError)
		verbose := fs.Bool("v", false, "print wire-form and order notes for passing cases too")
		fs.BoolVar(&allChannelsFlag, "all-channels", false, "run every reference channel that supports the features, not only those INDEX.md lists")
		_ = fs.Parse(os.Args[2:])
		if fs.NArg() != 1 {
			usage()
		}
		failed, err := RunCheck(fs.Arg(0), *verbose)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		if failed > 0 {
			os.Exit(1)
		}
	case "bench":
		fs := flag.NewFlagSet("bench", flag.ExitOnError)
		opt := BenchOptions{}
		fs.IntVar(&opt.Runs, "runs", 7, "timed runs; the median is reported")
		fs.DurationVar(&opt.RunTarget, "run-target", 200*time.Millisecond, "minimum duration of one timed run")
		fs.StringVar(&opt.Channel, "channel", "incubating", "preferred reference implementation (stable|incubating|experimental; \"\" = NewAllocator's choice); falls back when it lacks a feature")
		fs.DurationVar(&opt.Timeout, "timeout", 10*time.Second, "give up on a node after this long (kube-scheduler's Filter timeout)")
		fs.IntVar(&opt.MaxNodes, "max-nodes", 0, "time Allocate on at most this many evenly spaced nodes (0 = all)")
		withResults := fs.Bool("results", true, "include the allocation results in the JSON output")
		_ = fs.Parse(os.Args[2:])
		if fs.NArg() == 0 || opt.Runs < 1 {
			usage()
		}
		status := 0
		enc := json.NewEncoder(os.Stdout)
		for _, path := range fs.Args() {
			res, err := RunBench(path, opt)
			if err != nil {
				fmt.Fprintf(os.Stderr, "%s: %v\n", path, err)
				status = 1
				continue
			}
			if !*withResults {
				res.Results = nil
			}
			_ = enc.Encode(res)
		}
		os.Exit(status)
	case "expect":
		fs := flag.NewFlagSet("expect", flag.ExitOnError)
		channel := fs.String("channel", "incubating", "preferred reference implementation, as for bench")
		timeout := fs.Duration("timeout", time.Minute, "give up on a scenario after this long")
		_ = fs.Parse(os.Args[2:])
		if fs.NArg() == 0 {
			usage()
		}
		status := 0
		for _, path := range fs.Args() {
			outcome, err := FillExpect(path, *channel, *timeout)
			if err != nil {
				fmt.Fprintf(os.Stderr, "%s: %v\n", path, err)
				status = 1
				continue
			}
			fmt.Printf("%s: %s\n", path, outcome)
		}
		os.Exit(status)
	default:
		usage()
	}
}
