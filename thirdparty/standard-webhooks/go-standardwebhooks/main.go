// Command adapter is the hmac-conformance adapter (protocol v1) for the Go module
// github.com/standard-webhooks/standard-webhooks/libraries (package standardwebhooks).
//
// One loop serves both modes (jsonl: persistent, cmd: one-shot); see README.md.
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"runtime/debug"
	"strconv"
	"time"

	standardwebhooks "github.com/standard-webhooks/standard-webhooks/libraries/go"
)

const modulePath = "github.com/standard-webhooks/standard-webhooks/libraries"

type message struct {
	Type      string          `json:"type"`
	Seq       int64           `json:"seq"`
	Scheme    string          `json:"scheme"`
	Operation string          `json:"operation"`
	Input     json.RawMessage `json:"input"`
}

type signInput struct {
	Secret    string `json:"secret"`
	MsgID     string `json:"msg_id"`
	Timestamp string `json:"timestamp"`
	Payload   []byte `json:"payload"` // encoding/json decodes Base64 into []byte
}

// verifyInput has no now/tolerance: VerifyIgnoringTimestamp cannot be given them, and the hello does not
// list the "clock" feature.
type verifyInput struct {
	Secret  string      `json:"secret"`
	Headers [][2]string `json:"headers"`
	Payload []byte      `json:"payload"`
}

// inexpressible marks an input the library's parameter types cannot carry exactly.
type inexpressible struct{ reason string }

func (e inexpressible) Error() string { return e.reason }

func sign(in signInput) (map[string]any, error) {
	wh, err := standardwebhooks.NewWebhook(in.Secret)
	if err != nil {
		fmt.Fprintln(os.Stderr, "NewWebhook:", err)
		return map[string]any{"refused": "malformed-secret"}, nil
	}
	// Sign takes a time.Time and writes back its Unix seconds; only the exact decimal text of an
	// integer maps onto one without this adapter deciding what gets signed.
	seconds, err := strconv.ParseInt(in.Timestamp, 10, 64)
	if err != nil || strconv.FormatInt(seconds, 10) != in.Timestamp {
		return nil, inexpressible{fmt.Sprintf("Sign takes a time.Time; %q is not the decimal text of an integer", in.Timestamp)}
	}
	signature, err := wh.Sign(in.MsgID, time.Unix(seconds, 0), in.Payload)
	if err != nil {
		return nil, fmt.Errorf("Sign: %w", err)
	}
	return map[string]any{"signature": signature}, nil
}

func verify(in verifyInput) (map[string]any, error) {
	wh, err := standardwebhooks.NewWebhook(in.Secret)
	if err != nil {
		// The library cannot be configured with this secret, so it verifies nothing: its decision is "no".
		fmt.Fprintln(os.Stderr, "NewWebhook:", err)
		return map[string]any{"valid": false}, nil
	}
	headers := http.Header{}
	for _, field := range in.Headers {
		headers.Add(field[0], field[1]) // as net/http's server builds it: canonical keys, repeats kept in order
	}
	err = wh.VerifyIgnoringTimestamp(in.Payload, headers)
	switch {
	case err == nil:
		return map[string]any{"valid": true}, nil
	case errors.Is(err, standardwebhooks.ErrRequiredHeaders):
		return map[string]any{"valid": false, "reason": "missing-header"}, nil
	case errors.Is(err, standardwebhooks.ErrInvalidHeaders):
		return map[string]any{"valid": false, "reason": "malformed-timestamp"}, nil
	default: // ErrNoMatchingSignature covers both no-signature and signature-mismatch
		fmt.Fprintln(os.Stderr, "VerifyIgnoringTimestamp:", err)
		return map[string]any{"valid": false}, nil
	}
}

func answer(m message) map[string]any {
	result := map[string]any{"type": "result", "seq": m.Seq}
	var output map[string]any
	var err error
	switch {
	case m.Scheme != "standard-webhooks":
		err = inexpressible{"only the standard-webhooks scheme is supported"}
	case m.Operation == "sign":
		var in signInput
		if err = json.Unmarshal(m.Input, &in); err == nil {
			output, err = sign(in)
		}
	case m.Operation == "verify":
		var in verifyInput
		if err = json.Unmarshal(m.Input, &in); err == nil {
			output, err = verify(in)
		}
	default:
		err = inexpressible{"unknown operation " + m.Operation}
	}
	var skip inexpressible
	switch {
	case errors.As(err, &skip):
		result["skip"] = map[string]any{"reason": skip.reason}
	case err != nil:
		fmt.Fprintln(os.Stderr, err)
		result["error"] = map[string]any{"message": err.Error()}
	default:
		result["output"] = output
	}
	return result
}

func hello() map[string]any {
	version := "unknown"
	if info, ok := debug.ReadBuildInfo(); ok {
		for _, dep := range info.Deps {
			if dep.Path == modulePath {
				version = dep.Version
			}
		}
	}
	return map[string]any{
		"type":     "hello",
		"protocol": 1,
		"implementation": map[string]any{
			"name":     modulePath,
			"version":  version,
			"language": "go",
			"homepage": "https://pkg.go.dev/" + modulePath + "/go",
		},
		// VerifyIgnoringTimestamp has no clock at all, so verify is listed without "clock".
		"supports": map[string]any{
			"standard-webhooks": map[string]any{"operations": []string{"sign", "verify"}, "features": []string{}},
		},
	}
}

func main() {
	scanner := bufio.NewScanner(os.Stdin)
	scanner.Buffer(make([]byte, 0, 64*1024), 64<<20) // a case line can hold megabytes of Base64 payload
	out := bufio.NewWriter(os.Stdout)
	encoder := json.NewEncoder(out) // one line per message
	for scanner.Scan() {
		line := bytes.TrimSpace(scanner.Bytes())
		if len(line) == 0 {
			continue
		}
		var m message
		if err := json.Unmarshal(line, &m); err != nil {
			fmt.Fprintln(os.Stderr, "ignoring a line that is not a message:", err)
			continue
		}
		var reply map[string]any
		switch m.Type {
		case "hello":
			reply = hello()
		case "case":
			reply = answer(m)
		case "stop":
			return
		default:
			fmt.Fprintf(os.Stderr, "ignoring message of type %q\n", m.Type)
			continue
		}
		err := encoder.Encode(reply)
		if err == nil {
			err = out.Flush()
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "cannot write to stdout:", err)
			os.Exit(1)
		}
	}
	if err := scanner.Err(); err != nil {
		fmt.Fprintln(os.Stderr, "cannot read stdin:", err)
		os.Exit(1)
	}
}
