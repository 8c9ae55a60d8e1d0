// Porcupine's side of the lincheck benchmark: judges each history file named on the command line
// with Porcupine itself (the vendored copy in third_party/porcupine), the way Porcupine's own
// tests do, and prints one JSON line per file:
//
//	{"file":"…","format":"jepsen"|"kv","verdict":"ok"|"violation","operations":N,"elapsed_us":N}
//
// elapsed_us spans parsing and checking, the span `raftsim lincheck --json` reports as verdict_us; reading the
// file from disk is outside it on both sides. Porcupine's test parsers and models live in its
// _test.go file, which cannot be imported: the parsers and models here follow the same format
// rules (the same patterns, the same pairing of calls and returns, the same treatment of
// operations that never returned) and the same models (etcd's compare-and-set register with
// "unknown" outputs; the key-value store partitioned by key).
//
// Exit 0 when every file was judged, 2 on a file that cannot be read or parsed (named on stderr).
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"hash/fnv"
	"io"
	"os"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/anishathalye/porcupine"
)

// ---- the register (Jepsen's etcd histories) ----

const (
	opRead = iota
	opWrite
	opCas
)

type regInput struct {
	op       int
	from, to int // write's value is in from
}

type regOutput struct {
	ok      bool // cas succeeded
	exists  bool // read saw a value
	value   int  // the value read
	unknown bool // the operation timed out or never returned: any outcome fits
}

// nilValue stands for the register's initial "nil", as in Porcupine's etcd model.
const nilValue = -1000000

var registerModel = porcupine.Model{
	Init: func() interface{} { return nilValue },
	Step: func(state, input, output interface{}) (bool, interface{}) {
		st := state.(int)
		in := input.(regInput)
		out := output.(regOutput)
		switch in.op {
		case opRead:
			fits := out.unknown || (!out.exists && st == nilValue) || (out.exists && out.value == st)
			return fits, st
		case opWrite:
			return true, in.from
		default:
			matches := in.from == st
			next := st
			if matches {
				next = in.to
			}
			return out.unknown || matches == out.ok, next
		}
	},
}

// ---- the key-value store (Porcupine's kv histories), partitioned by key ----

const (
	opGet = iota
	opPut
	opAppend
)

type kvInput struct {
	op         int
	key, value string
}

type kvOutput struct{ value string }

var kvModel = porcupine.Model{
	PartitionEvent: func(history []porcupine.Event) [][]porcupine.Event {
		byKey := map[string][]porcupine.Event{}
		keyOf := map[int]string{} // call id -> key, for the returns
		var keys []string
		for _, e := range history {
			var key string
			if e.Kind == porcupine.CallEvent {
				key = e.Value.(kvInput).key
				keyOf[e.Id] = key
			} else {
				key = keyOf[e.Id]
			}
			if _, seen := byKey[key]; !seen {
				keys = append(keys, key)
			}
			byKey[key] = append(byKey[key], e)
		}
		sort.Strings(keys) // a fixed order: the verdict must not depend on map order
		parts := make([][]porcupine.Event, 0, len(keys))
		for _, k := range keys {
			parts = append(parts, byKey[k])
		}
		return parts
	},
	// Each partition holds one key, so the state is that key's value.
	Init: func() interface{} { return "" },
	Step: func(state, input, output interface{}) (bool, interface{}) {
		st := state.(string)
		in := input.(kvInput)
		switch in.op {
		case opGet:
			return output.(kvOutput).value == st, st
		case opPut:
			return true, in.value
		default:
			return true, st + in.value
		}
	},
	Hash: func(state interface{}) uint64 {
		h := fnv.New64a()
		h.Write([]byte(state.(string)))
		return h.Sum64()
	},
}

// ---- parsing ----

// A history under construction: calls get ids in file order; a return is paired with its
// process's pending call; calls still pending at the end get a return after everything else,
// with the given "any outcome" output.
type builder struct {
	events  []porcupine.Event
	pending map[int]int // process -> id of its pending call
	nextID  int
}

func (b *builder) call(proc int, input interface{}) {
	b.events = append(b.events, porcupine.Event{ClientId: proc, Kind: porcupine.CallEvent, Value: input, Id: b.nextID})
	b.pending[proc] = b.nextID
	b.nextID++
}

func (b *builder) ret(line, proc int, output interface{}) error {
	id, ok := b.pending[proc]
	if !ok {
		// Porcupine's test parser would pair it with call 0; no vendored history has one.
		return fmt.Errorf("line %d: a return for process %d, which has no call pending", line, proc)
	}
	delete(b.pending, proc)
	b.events = append(b.events, porcupine.Event{ClientId: proc, Kind: porcupine.ReturnEvent, Value: output, Id: id})
	return nil
}

func (b *builder) finish(unknown interface{}) []porcupine.Event {
	procs := make([]int, 0, len(b.pending))
	for p := range b.pending {
		procs = append(procs, p)
	}
	sort.Ints(procs)
	for _, p := range procs {
		b.events = append(b.events, porcupine.Event{ClientId: p, Kind: porcupine.ReturnEvent, Value: unknown, Id: b.pending[p]})
	}
	return b.events
}

// eachLine calls f with every line (1-based numbers), as bufio.Reader.ReadLine splits them;
// a line longer than the reader's buffer is an error, as in Porcupine's parsers.
func eachLine(data []byte, f func(n int, line string) error) error {
	r := bufio.NewReader(bytes.NewReader(data))
	for n := 1; ; n++ {
		raw, isPrefix, err := r.ReadLine()
		if err == io.EOF {
			return nil
		} else if err != nil {
			return err
		}
		if isPrefix {
			return fmt.Errorf("line %d: longer than %d bytes", n, r.Size())
		}
		if err := f(n, string(raw)); err != nil {
			return err
		}
	}
}

func atoi(s string) int {
	// The patterns admit only digits; like Porcupine's parsers, an out-of-range number is not
	// an error (strconv saturates).
	v, _ := strconv.Atoi(s)
	return v
}

const jepsenPrefix = `^INFO\s+jepsen\.util\s+-\s+(\d+)\s+`

var (
	jInvokeRead  = regexp.MustCompile(jepsenPrefix + `:invoke\s+:read\s+nil$`)
	jInvokeWrite = regexp.MustCompile(jepsenPrefix + `:invoke\s+:write\s+(\d+)$`)
	jInvokeCas   = regexp.MustCompile(jepsenPrefix + `:invoke\s+:cas\s+\[(\d+)\s+(\d+)\]$`)
	jOkRead      = regexp.MustCompile(jepsenPrefix + `:ok\s+:read\s+(nil|\d+)$`)
	jOkWrite     = regexp.MustCompile(jepsenPrefix + `:ok\s+:write\s+(\d+)$`)
	jDoneCas     = regexp.MustCompile(jepsenPrefix + `:(ok|fail)\s+:cas\s+\[(\d+)\s+(\d+)\]$`)
	jTimeoutRead = regexp.MustCompile(jepsenPrefix + `:fail\s+:read\s+:timed-out$`)
)

// parseJepsen reads Jepsen's log of etcd as a register. Lines that match no pattern (:info
// lines among them) are skipped: an operation whose return is an :info line stays pending and
// may or may not have taken effect.
func parseJepsen(data []byte) ([]porcupine.Event, error) {
	b := &builder{pending: map[int]int{}}
	err := eachLine(data, func(n int, line string) error {
		if m := jInvokeRead.FindStringSubmatch(line); m != nil {
			b.call(atoi(m[1]), regInput{op: opRead})
		} else if m := jInvokeWrite.FindStringSubmatch(line); m != nil {
			b.call(atoi(m[1]), regInput{op: opWrite, from: atoi(m[2])})
		} else if m := jInvokeCas.FindStringSubmatch(line); m != nil {
			b.call(atoi(m[1]), regInput{op: opCas, from: atoi(m[2]), to: atoi(m[3])})
		} else if m := jOkRead.FindStringSubmatch(line); m != nil {
			out := regOutput{}
			if m[2] != "nil" {
				out.exists, out.value = true, atoi(m[2])
			}
			return b.ret(n, atoi(m[1]), out)
		} else if m := jOkWrite.FindStringSubmatch(line); m != nil {
			return b.ret(n, atoi(m[1]), regOutput{})
		} else if m := jDoneCas.FindStringSubmatch(line); m != nil {
			return b.ret(n, atoi(m[1]), regOutput{ok: m[2] == "ok"})
		} else if m := jTimeoutRead.FindStringSubmatch(line); m != nil {
			// A read that timed out changed nothing: it returns with any value.
			return b.ret(n, atoi(m[1]), regOutput{unknown: true})
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return b.finish(regOutput{unknown: true}), nil
}

var (
	kvInvokeGet    = regexp.MustCompile(`{:process (\d+), :type :invoke, :f :get, :key "(.*)", :value nil}`)
	kvInvokePut    = regexp.MustCompile(`{:process (\d+), :type :invoke, :f :put, :key "(.*)", :value "(.*)"}`)
	kvInvokeAppend = regexp.MustCompile(`{:process (\d+), :type :invoke, :f :append, :key "(.*)", :value "(.*)"}`)
	kvOkGet        = regexp.MustCompile(`{:process (\d+), :type :ok, :f :get, :key ".*", :value "(.*)"}`)
	kvOkPut        = regexp.MustCompile(`{:process (\d+), :type :ok, :f :put, :key ".*", :value ".*"}`)
	kvOkAppend     = regexp.MustCompile(`{:process (\d+), :type :ok, :f :append, :key ".*", :value ".*"}`)
)

// parseKv reads Porcupine's key-value log (get / put / append). A call that never returned gets
// an empty output at the end, as in Porcupine's parser.
func parseKv(data []byte) ([]porcupine.Event, error) {
	b := &builder{pending: map[int]int{}}
	err := eachLine(data, func(n int, line string) error {
		if m := kvInvokeGet.FindStringSubmatch(line); m != nil {
			b.call(atoi(m[1]), kvInput{op: opGet, key: m[2]})
		} else if m := kvInvokePut.FindStringSubmatch(line); m != nil {
			b.call(atoi(m[1]), kvInput{op: opPut, key: m[2], value: m[3]})
		} else if m := kvInvokeAppend.FindStringSubmatch(line); m != nil {
			b.call(atoi(m[1]), kvInput{op: opAppend, key: m[2], value: m[3]})
		} else if m := kvOkGet.FindStringSubmatch(line); m != nil {
			return b.ret(n, atoi(m[1]), kvOutput{value: m[2]})
		} else if m := kvOkPut.FindStringSubmatch(line); m != nil {
			return b.ret(n, atoi(m[1]), kvOutput{})
		} else if m := kvOkAppend.FindStringSubmatch(line); m != nil {
			return b.ret(n, atoi(m[1]), kvOutput{})
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return b.finish(kvOutput{}), nil
}

// detect tells the two formats apart by the first non-blank line: Porcupine's kv log is a
// sequence of Clojure maps, Jepsen's log starts with its logger's level.
func detect(data []byte) string {
	for _, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		if strings.HasPrefix(line, "{:process") {
			return "kv"
		}
		return "jepsen"
	}
	return "jepsen"
}

type result struct {
	File       string `json:"file"`
	Format     string `json:"format"`
	Verdict    string `json:"verdict"`
	Operations int    `json:"operations"`
	ElapsedUs  int64  `json:"elapsed_us"`
}

func judge(path, format string) (result, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return result{}, err
	}
	if format == "" {
		format = detect(data)
	}
	start := time.Now()
	var events []porcupine.Event
	model := registerModel
	switch format {
	case "jepsen":
		events, err = parseJepsen(data)
	case "kv":
		events, err = parseKv(data)
		model = kvModel
	default:
		return result{}, fmt.Errorf("--format: %q is neither jepsen nor kv", format)
	}
	if err != nil {
		return result{}, err
	}
	ok := porcupine.CheckEvents(model, events)
	elapsed := time.Since(start)
	verdict := "violation"
	if ok {
		verdict = "ok"
	}
	return result{File: path, Format: format, Verdict: verdict, Operations: (len(events)) / 2, ElapsedUs: elapsed.Microseconds()}, nil
}

func main() {
	format := flag.String("format", "", "jepsen or kv (default: detected from the content)")
	flag.Usage = func() {
		fmt.Fprintln(os.Stderr, "usage: porcupine-bench [--format jepsen|kv] FILE...")
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() == 0 {
		flag.Usage()
		os.Exit(2)
	}
	enc := json.NewEncoder(os.Stdout)
	for _, path := range flag.Args() {
		res, err := judge(path, *format)
		if err != nil {
			fmt.Fprintf(os.Stderr, "porcupine-bench: %s: %v\n", path, err)
			os.Exit(2)
		}
		if err := enc.Encode(res); err != nil {
			fmt.Fprintf(os.Stderr, "porcupine-bench: writing the result: %v\n", err)
			os.Exit(2)
		}
	}
}
