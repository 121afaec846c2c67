package main

// The exported vectors as native Go tests. `hmac-conformance export --split DIR` writes one JSON file per
// scheme and operation; TestVectors reads the four of the hmac and firstvision schemes and runs every
// vector as a subtest named by its id, calling the SDK functions of main.go (macTag, verifyMAC, sign,
// verify) directly, not through the adapter protocol, and comparing with the vector's expected value
// exactly. From the repository root, then in examples/go:
//
//	mkdir -p build/vectors && hmac-conformance export --split build/vectors --scheme hmac --scheme firstvision
//	go test ./...                                   # or HMAC_CONFORMANCE_EXPORT=DIR go test ./...
//	go test -run 'TestVectors/hmac/rfc4231' -v      # a selection: each part of an id is a subtest level

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// exportDir is the folder of the exported files: $HMAC_CONFORMANCE_EXPORT, or build/vectors at the
// repository root (go test runs in examples/go).
func exportDir() string {
	if dir := os.Getenv("HMAC_CONFORMANCE_EXPORT"); dir != "" {
		return dir
	}
	return filepath.Join("..", "..", "build", "vectors")
}

// minVectors is the least number of vectors each file must hold: a missing or empty file fails the test,
// it never passes with zero cases.
const minVectors = 1

// exportFile is one file of `export --split` (schema/export-group.schema.json), its inputs and expected
// values decoded into I and E. encoding/json decodes the Base64 text of a []byte field.
type exportFile[I, E any] struct {
	Format        int    `json:"format"`
	BytesEncoding string `json:"bytes_encoding"`
	Scheme        string `json:"scheme"`
	Operation     string `json:"operation"`
	Vectors       []struct {
		ID          string   `json:"id"`
		Description string   `json:"description"`
		Rules       []string `json:"rules"`
		Input       I        `json:"input"`
		Expected    E        `json:"expected"`
	} `json:"vectors"`
}

// eachVector runs check as one subtest per vector of <scheme>-<operation>.json, named by the vector's id.
// A vector that examples.json declares unsupported for this example is skipped (and counted as skipped).
func eachVector[I, E any](t *testing.T, unsupported []*regexp.Regexp, scheme, operation string,
	check func(t *testing.T, in I, want E)) {
	path := filepath.Join(exportDir(), scheme+"-"+operation+".json")
	var file exportFile[I, E]
	data, err := os.ReadFile(path)
	if err == nil {
		err = json.Unmarshal(data, &file)
	}
	switch {
	case err != nil:
		t.Errorf("%v\n(export first: hmac-conformance export --split DIR --scheme hmac --scheme firstvision; "+
			"then HMAC_CONFORMANCE_EXPORT=DIR go test)", err)
		return
	case file.Format != 1 || file.BytesEncoding != "base64" || file.Scheme != scheme || file.Operation != operation:
		t.Errorf("%s: not an export of %s/%s in format 1 with Base64 bytes", path, scheme, operation)
		return
	case len(file.Vectors) < minVectors:
		t.Errorf("%s: %d vectors, expected at least %d", path, len(file.Vectors), minVectors)
		return
	}
	for _, v := range file.Vectors {
		t.Run(v.ID, func(t *testing.T) {
			for _, glob := range unsupported {
				if glob.MatchString(v.ID) {
					t.Skipf("declared unsupported in examples.json (%s)", glob)
				}
			}
			defer func() {
				if t.Failed() {
					t.Logf("vector: %s [%s]", v.Description, strings.Join(v.Rules, ", "))
				}
			}()
			check(t, v.Input, v.Expected)
		})
	}
}

// declaredUnsupported reads this example's may_not_support globs from examples/examples.json: fnmatch
// globs in which * also matches /. Only * and ? are used there, and only they are understood here.
func declaredUnsupported() ([]*regexp.Regexp, error) {
	data, err := os.ReadFile(filepath.Join("..", "examples.json"))
	if err != nil {
		return nil, err
	}
	var doc struct {
		Examples []struct {
			Name          string   `json:"name"`
			MayNotSupport []string `json:"may_not_support"`
		} `json:"examples"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		return nil, err
	}
	var globs []*regexp.Regexp
	for _, example := range doc.Examples {
		if example.Name != "go" {
			continue
		}
		for _, glob := range example.MayNotSupport {
			if strings.ContainsAny(glob, "[]") {
				return nil, fmt.Errorf("glob %q: only * and ? are understood", glob)
			}
			pattern := strings.NewReplacer(`\*`, `.*`, `\?`, `.`).Replace(regexp.QuoteMeta(glob))
			globs = append(globs, regexp.MustCompile("^"+pattern+"$"))
		}
		return globs, nil
	}
	return nil, errors.New("examples.json has no example named go")
}

// The inputs and expected values of the four operations (docs/protocol.md), bytes as []byte.

type macCase struct {
	Algorithm string `json:"algorithm"`
	Key       []byte `json:"key"`
	Message   []byte `json:"message"`
	Tag       []byte `json:"tag"` // mac-verify only: the received tag
	TagLength int    `json:"tag_length"`
}

type signCase struct {
	Algorithm         string `json:"algorithm"`
	Secret            []byte `json:"secret"`
	APIKey            string `json:"api_key"`
	ClientRequestID   string `json:"client_request_id"`
	Timestamp         string `json:"timestamp"`
	Body              []byte `json:"body"`
	SignatureEncoding string `json:"signature_encoding"`
}

// signExpected is either a refusal (Refused set) or a signed request.
type signExpected struct {
	Refused      string            `json:"refused"`
	Signature    string            `json:"signature"`
	StringToSign []byte            `json:"string_to_sign"`
	Headers      map[string]string `json:"headers"`
}

type verifyCase struct {
	Request struct {
		Method  string     `json:"method"`
		Path    string     `json:"path"`
		Headers [][]string `json:"headers"`
		Body    []byte     `json:"body"`
	} `json:"request"`
	Keys []struct {
		APIKey    string `json:"api_key"`
		Secret    []byte `json:"secret"`
		Algorithm string `json:"algorithm"`
	} `json:"keys"`
	NowMS           int64    `json:"now_ms"`
	WindowMS        int64    `json:"window_ms"`
	SeenRequestIDs  []string `json:"seen_request_ids"`
	LegacyHexBase64 bool     `json:"legacy_hex_base64"`
}

func TestVectors(t *testing.T) {
	unsupported, err := declaredUnsupported()
	if err != nil {
		t.Fatalf("examples/examples.json: %v", err)
	}

	eachVector(t, unsupported, "hmac", "mac", func(t *testing.T, in macCase, want struct {
		Tag []byte `json:"tag"`
	}) {
		tag, err := macTag(in.Algorithm, in.Key, in.Message, in.TagLength)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(tag, want.Tag) {
			t.Errorf("tag %x, want %x", tag, want.Tag)
		}
	})

	eachVector(t, unsupported, "hmac", "mac-verify", func(t *testing.T, in macCase, want decision) {
		got, err := verifyMAC(in.Algorithm, in.Key, in.Message, in.Tag, in.TagLength)
		if err != nil {
			t.Fatal(err)
		}
		if got != want {
			t.Errorf("got %+v, want %+v", got, want)
		}
	})

	eachVector(t, unsupported, "firstvision", "sign", func(t *testing.T, in signCase, want signExpected) {
		if in.SignatureEncoding != "base64" && in.SignatureEncoding != "legacy-hex-base64" {
			t.Fatalf("unknown signature_encoding %q", in.SignatureEncoding)
		}
		got, err := sign(in.Algorithm, in.Secret, in.APIKey, in.ClientRequestID, in.Timestamp, in.Body,
			in.SignatureEncoding == "legacy-hex-base64")
		var refused *refusal
		switch {
		case want.Refused != "" && errors.As(err, &refused):
			if refused.Reason != want.Refused {
				t.Errorf("refused %q, want refused %q", refused.Reason, want.Refused)
			}
		case want.Refused != "" && err == nil:
			t.Errorf("signed %q, want refused %q (FV-17)", got.Signature, want.Refused)
		case errors.As(err, &refused):
			t.Errorf("refused %q, want signature %q", refused.Reason, want.Signature)
		case err != nil:
			t.Fatal(err)
		default:
			if got.Signature != want.Signature {
				t.Errorf("signature %q, want %q", got.Signature, want.Signature)
			}
			if !bytes.Equal(got.StringToSign, want.StringToSign) {
				t.Errorf("string to sign %q, want %q", got.StringToSign, want.StringToSign)
			}
			if !maps.Equal(got.Headers, want.Headers) {
				t.Errorf("headers %q, want %q", got.Headers, want.Headers)
			}
		}
	})

	eachVector(t, unsupported, "firstvision", "verify", func(t *testing.T, in verifyCase, want decision) {
		req := receivedRequest{Method: in.Request.Method, Path: in.Request.Path, Body: in.Request.Body}
		for _, pair := range in.Request.Headers {
			if len(pair) != 2 {
				t.Fatalf("a header is not a [name, value] pair: %q", pair)
			}
			req.Headers = append(req.Headers, [2]string{pair[0], pair[1]})
		}
		v := verifier{NowMS: in.NowMS, WindowMS: in.WindowMS, SeenRequestIDs: in.SeenRequestIDs,
			LegacyHexBase64: in.LegacyHexBase64}
		for _, k := range in.Keys {
			v.Keys = append(v.Keys, appKey{APIKey: k.APIKey, Secret: k.Secret, Algorithm: k.Algorithm})
		}
		got, err := verify(v, req)
		if err != nil {
			t.Fatal(err)
		}
		if got != want {
			t.Errorf("got %+v, want %+v", got, want)
		}
	})
}
