// `check` mode: run every scenario of a directory through the reference
// allocator and compare with `expect`.
//
// Each scenario runs on every reference channel (stable / incubating /
// experimental) listed for it in the directory's INDEX.md "channels" column
// (all three when INDEX.md has no row for it; a channel whose feature set
// does not cover the scenario is skipped). A file passes when every channel
// it ran on agrees with `expect`. The channel that the public NewAllocator
// picks by default is also run and reported when it is not among the listed
// ones, as a note.
package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	resourceapi "k8s.io/api/resource/v1"
	"k8s.io/dynamic-resource-allocation/structured"
)

var allChannels = []string{"stable", "incubating", "experimental"}

// allChannelsFlag (check -all-channels) ignores INDEX.md's channel column and
// runs every channel whose feature set covers the scenario.
var allChannelsFlag bool

// indexRow is what check needs from one INDEX.md table row.
type indexRow struct {
	ordered  bool
	channels []string
}

// readIndex parses the scenario table of INDEX.md (missing file → empty map).
func readIndex(dir string) map[string]indexRow {
	rows := map[string]indexRow{}
	f, err := os.Open(filepath.Join(dir, "INDEX.md"))
	if err != nil {
		return rows
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if !strings.HasPrefix(line, "| `") {
			continue
		}
		cols := strings.Split(line, "|")
		if len(cols) < 8 {
			continue
		}
		file := strings.Trim(strings.TrimSpace(cols[1]), "`")
		var row indexRow
		for _, ch := range strings.Split(cols[6], ",") {
			if ch = strings.TrimSpace(ch); ch != "" {
				row.channels = append(row.channels, ch)
			}
		}
		row.ordered = strings.Contains(strings.Join(cols[7:], "|"), "**ordered.**")
		rows[file] = row
	}
	return rows
}

// runOnChannel builds an allocator restricted to one channel ("" = default
// selection) and runs Allocate once. ok=false means the channel does not
// support the scenario's features.
func runOnChannel(ctx context.Context, s *Scenario, channel string) (results []resourceapi.AllocationResult, err error, used string, ok bool) {
	return runScenario(ctx, s, channel, false)
}

// runScenario is runOnChannel with an optional fallback to the default
// selection when the channel does not support the scenario's features.
func runScenario(ctx context.Context, s *Scenario, channel string, fallback bool) (results []resourceapi.AllocationResult, err error, used string, ok bool) {
	if channel == "" {
		structured.EnableAllocators()
	} else {
		structured.EnableAllocators(channel)
	}
	defer structured.EnableAllocators()
	features, ferr := ParseFeatures(s.Features)
	if ferr != nil {
		return nil, ferr, channel, true
	}
	state := BuildAllocatedState(s.AllocatedClaims, features)
	alloc, nerr := structured.NewAllocator(ctx, features, state, classLister{s.DeviceClasses},
		s.ResourceSlices, NewCELCache(1, features))
	if nerr != nil {
		if strings.Contains(nerr.Error(), "no allocator available") {
			if fallback && channel != "" {
				return runScenario(ctx, s, "", false)
			}
			return nil, nil, channel, false
		}
		return nil, fmt.Errorf("NewAllocator: %w", nerr), channel, true
	}
	used = channelOf(alloc)
	results, err = alloc.Allocate(ctx, MakeNode(s.Node), s.Claims)
	return results, err, used, true
}

// channelOf names the implementation behind an Allocator.
func channelOf(a structured.Allocator) string {
	t := fmt.Sprintf("%T", a)
	for _, ch := range allChannels {
		if strings.Contains(t, ch) {
			return ch
		}
	}
	return t
}

// RunCheck checks every *.json in dir, printing to stdout; returns the
// number of failures.
func RunCheck(dir string, verbose bool) (int, error) {
	failed, err := checkDir(dir, verbose, os.Stdout)
	return len(failed), err
}

// RunCheckQuiet is RunCheck without output; returns the failing file names.
func RunCheckQuiet(dir string) ([]string, error) {
	return checkDir(dir, false, io.Discard)
}

func checkDir(dir string, verbose bool, out io.Writer) ([]string, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil {
		return nil, err
	}
	var failedFiles []string
	sort.Strings(files)
	index := readIndex(dir)
	ctx := context.Background()
	passed, failed := 0, 0
	for _, path := range files {
		base := filepath.Base(path)
		s, err := LoadScenario(path)
		if err != nil {
			fmt.Fprintf(out, "FAIL %s: %v\n", base, err)
			failed++
			failedFiles = append(failedFiles, base)
			continue
		}
		row, listed := index[base]
		channels := row.channels
		if !listed || len(channels) == 0 || allChannelsFlag {
			channels = allChannels
			listed = false // unsupported channels are skipped, not failures
		}
		var failures, notes []string
		ran := 0
		for _, ch := range channels {
			results, aerr, _, ok := runOnChannel(ctx, s, ch)
			if !ok {
				if listed {
					failures = append(failures, fmt.Sprintf("[%s] channel listed in INDEX.md does not support features %v", ch, s.Features))
				}
				continue
			}
			ran++
			reason, n := CompareWithExpect(s.Expect, row.ordered, results, aerr)
			if reason != "" {
				failures = append(failures, fmt.Sprintf("[%s] %s", ch, reason))
			}
			for _, note := range n {
				notes = append(notes, fmt.Sprintf("[%s] %s", ch, note))
			}
		}
		// The channel a scheduler gets from NewAllocator's default selection.
		results, aerr, used, ok := runOnChannel(ctx, s, "")
		if ok && !contains(channels, used) {
			if reason, _ := CompareWithExpect(s.Expect, row.ordered, results, aerr); reason != "" {
				notes = append(notes, fmt.Sprintf("[default=%s, not listed] %s", used, reason))
			}
		}
		if ran == 0 && len(failures) == 0 {
			failures = append(failures, "no reference channel supports this scenario")
		}
		if len(failures) > 0 {
			failed++
			failedFiles = append(failedFiles, base)
			fmt.Fprintf(out, "FAIL %s\n", base)
			for _, f := range failures {
				fmt.Fprintf(out, "    %s\n", f)
			}
		} else {
			passed++
			fmt.Fprintf(out, "PASS %s\n", base)
		}
		if verbose || len(failures) > 0 {
			for _, n := range notes {
				fmt.Fprintf(out, "    note %s\n", n)
			}
		}
	}
	fmt.Fprintf(out, "%d passed, %d failed\n", passed, failed)
	return failedFiles, nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
