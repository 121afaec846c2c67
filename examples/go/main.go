// Command hmac-adapter is the Go example implementation for hmac-conformance: it implements the HMAC
// primitive (docs/spec/hmac.md, rules MAC-1..6) and the FirstVision request signature
// (docs/spec/firstvision.md, rules FV-1..17) with the Go standard library only, and speaks the adapter
// protocol of docs/protocol.md on stdin/stdout.
//
// Build (from the repository root):
//
//	go build -C examples/go -o build/hmac-adapter .
//
// Run with the runner, persistent mode (the main mode) or one-shot mode:
//
//	hmac-conformance run --impl 'jsonl:examples/go/build/hmac-adapter'
//	hmac-conformance run --impl 'cmd:examples/go/build/hmac-adapter'
//
// One loop serves both modes: it reads stdin line by line and answers each message with one line.
// "hello" gets the hello response, "case" gets one "result", "stop" or end of input ends the program
// with status 0. In one-shot mode the runner sends a single case and closes stdin, so the same loop
// answers it and exits. Only protocol messages go to stdout; diagnostics go to stderr.
//
// The file has two parts. The first is what an SDK would export: macTag, verifyMAC, sign and verify take
// and return plain Go values (bytes, strings, a decision). The second is the adapter protocol, which
// decodes a case's input, calls them and encodes the result. conformance_test.go runs exported vectors
// against the first part directly, as table-driven subtests (go test; see README.md).
package main

import (
	"bufio"
	"bytes"
	"crypto/hmac"
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha3"
	"crypto/sha512"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"io"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// ---------------------------------------------------------------------------------------------------
// Algorithms (MAC-3)
// ---------------------------------------------------------------------------------------------------

// hashes maps the suite's algorithm identifiers to hash constructors. crypto/hmac takes the block
// length from the hash itself (MAC-2); for SHA-3 that is the sponge rate, as MAC-3 requires.
var hashes = map[string]func() hash.Hash{
	"md5":        md5.New, // legacy, interoperability only (MAC-3)
	"sha1":       sha1.New,
	"sha224":     sha256.New224,
	"sha256":     sha256.New,
	"sha384":     sha512.New384,
	"sha512":     sha512.New,
	"sha512-224": sha512.New512_224, // own initial values: not sha512.New cut short (MAC-3)
	"sha512-256": sha512.New512_256,
	"sha3-224":   func() hash.Hash { return sha3.New224() },
	"sha3-256":   func() hash.Hash { return sha3.New256() },
	"sha3-384":   func() hash.Hash { return sha3.New384() },
	"sha3-512":   func() hash.Hash { return sha3.New512() },
}

// hmacAlgorithms lists the keys of hashes in a stable order, for the hello response.
var hmacAlgorithms = []string{
	"md5", "sha1", "sha224", "sha256", "sha384", "sha512", "sha512-224", "sha512-256",
	"sha3-224", "sha3-256", "sha3-384", "sha3-512",
}

// firstVisionAlgorithms are the MACs FirstVision allows (FV-9).
var firstVisionAlgorithms = []string{"sha256", "sha512"}

// computeMAC returns the full HMAC of message under key (MAC-1, MAC-2; crypto/hmac does both).
func computeMAC(algorithm string, key, message []byte) ([]byte, error) {
	newHash, ok := hashes[algorithm]
	if !ok {
		return nil, fmt.Errorf("unknown algorithm %q", algorithm)
	}
	mac := hmac.New(newHash, key)
	mac.Write(message)
	return mac.Sum(nil), nil
}

// ---------------------------------------------------------------------------------------------------
// The hmac scheme: mac and mac-verify
// ---------------------------------------------------------------------------------------------------

// macTag computes the MAC and keeps its leftmost tagLength bytes (MAC-4).
func macTag(algorithm string, key, message []byte, tagLength int) ([]byte, error) {
	full, err := computeMAC(algorithm, key, message)
	if err != nil {
		return nil, err
	}
	if tagLength < 1 || tagLength > len(full) {
		return nil, fmt.Errorf("tag_length %d is outside 1..%d for %s", tagLength, len(full), algorithm)
	}
	return full[:tagLength], nil
}

// decision is the outcome of verifyMAC and verify: Reason is set only when Valid is false.
type decision struct {
	Valid  bool   `json:"valid"`
	Reason string `json:"reason,omitempty"`
}

func reject(reason string) decision { return decision{Valid: false, Reason: reason} }

// verifyMAC checks a received tag for a verifier configured with algorithm and tagLength (MAC-5, MAC-6).
func verifyMAC(algorithm string, key, message, received []byte, tagLength int) (decision, error) {
	expected, err := macTag(algorithm, key, message, tagLength)
	if err != nil {
		return decision{}, err
	}
	// MAC-5: the length is the verifier's configuration; check it before any comparison.
	if len(received) != len(expected) {
		return reject("wrong-tag-length"), nil
	}
	// MAC-5, MAC-6: compare in constant time.
	if !hmac.Equal(received, expected) {
		return reject("tag-mismatch"), nil
	}
	return decision{Valid: true}, nil
}

// ---------------------------------------------------------------------------------------------------
// The firstvision scheme: sign
// ---------------------------------------------------------------------------------------------------

// signedRequest is what the signer produces: the Authorization value, the bytes it signed (FV-8) and the
// header fields to send (FV-1).
type signedRequest struct {
	Signature    string
	StringToSign []byte
	Headers      map[string]string
}

// refusal is the error sign returns for inputs no conforming verifier would accept (FV-17). Reason is the
// reason code a verifier would give for them; refusing is the conforming behaviour, not a failure.
type refusal struct {
	Reason string
}

func (r *refusal) Error() string { return "refusing to sign: " + r.Reason }

// stringToSign is Api-Key ‖ Client-Request-Id ‖ Timestamp ‖ body, with no separator (FV-8).
func stringToSign(apiKey, clientRequestID, timestamp string, body []byte) []byte {
	s := make([]byte, 0, len(apiKey)+len(clientRequestID)+len(timestamp)+len(body))
	s = append(s, apiKey...)
	s = append(s, clientRequestID...)
	s = append(s, timestamp...)
	return append(s, body...)
}

// sign signs a request (FV-8..FV-10). legacyHexBase64 selects the legacy encoding of FV-12, which a signer
// produces only when explicitly configured to. The method and path are not signed (FV-8), so they are not
// parameters. A value that breaks FV-5..7 is refused with a *refusal error (FV-17).
func sign(algorithm string, secret []byte, apiKey, clientRequestID, timestamp string, body []byte,
	legacyHexBase64 bool) (signedRequest, error) {
	if !slices.Contains(firstVisionAlgorithms, algorithm) {
		return signedRequest{}, fmt.Errorf("algorithm %q is not allowed for FirstVision (FV-9)", algorithm)
	}
	// FV-17: the values are signed exactly as given, never trimmed (FV-3 is for received header lines); a
	// value that breaks FV-5..7 is refused, because no conforming verifier would accept the request.
	if reason := fieldProblem(apiKey, clientRequestID, timestamp); reason != "" {
		return signedRequest{}, &refusal{Reason: reason}
	}

	// FV-8: sign the body bytes exactly as they will be sent. FV-9: the secret's bytes are the key.
	sts := stringToSign(apiKey, clientRequestID, timestamp, body)
	mac, err := computeMAC(algorithm, secret, sts)
	if err != nil {
		return signedRequest{}, err
	}

	var signature string
	if legacyHexBase64 { // FV-12: only when explicitly configured, Base64 of the lowercase hex text
		signature = base64.StdEncoding.EncodeToString([]byte(hex.EncodeToString(mac)))
	} else { // FV-10: canonical, Base64 of the raw MAC bytes
		signature = base64.StdEncoding.EncodeToString(mac)
	}

	// FV-1: the signed headers; Content-Type accompanies a body but is not signed.
	headers := map[string]string{
		"Api-Key":           apiKey,
		"Client-Request-Id": clientRequestID,
		"Timestamp":         timestamp,
		"Auth-Token-Type":   "HMAC",
		"Authorization":     signature,
	}
	if len(body) > 0 {
		headers["Content-Type"] = "application/json"
	}
	return signedRequest{Signature: signature, StringToSign: sts, Headers: headers}, nil
}

// ---------------------------------------------------------------------------------------------------
// The firstvision scheme: verify
// ---------------------------------------------------------------------------------------------------

// appKey is one application the verifier knows: its Api-Key, secret and MAC algorithm (FV-9).
type appKey struct {
	APIKey    string
	Secret    []byte
	Algorithm string
}

// receivedRequest is a request as received: header fields as [name, value] pairs in wire order (repeats
// kept), and the body bytes. The method and path are not signed (FV-8).
type receivedRequest struct {
	Method  string
	Path    string
	Headers [][2]string
	Body    []byte
}

// verifier is the verifier's configuration and state: its keys, its clock and window (FV-14), the replay
// cache (FV-15) and whether the legacy encoding of FV-12 is accepted.
type verifier struct {
	Keys            []appKey
	NowMS           int64
	WindowMS        int64
	SeenRequestIDs  []string
	LegacyHexBase64 bool
}

// signedHeaders are the FV-1 fields, in the order FV-16 step 1 reports them missing.
var signedHeaders = []string{"Api-Key", "Client-Request-Id", "Timestamp", "Auth-Token-Type", "Authorization"}

// Field syntax. Go's regexp matches ^ and $ at the ends of the text only, and [0-9] is ASCII only.
var (
	apiKeySyntax    = regexp.MustCompile(`^[A-Za-z0-9]{1,128}$`)  // FV-5
	requestIDSyntax = regexp.MustCompile(`^[A-Za-z0-9-]{1,128}$`) // FV-6
	timestampSyntax = regexp.MustCompile(`^[1-9][0-9]{0,15}$`)    // FV-7
)

// fieldProblem returns the reason code for the first of the three signed values that breaks its syntax, in
// the order FV-5, FV-6, FV-7, or "" if all three are valid. The signer (FV-17) and the verifier (FV-16 steps
// 4-6) share it.
func fieldProblem(apiKey, requestID, timestamp string) string {
	switch {
	case !apiKeySyntax.MatchString(apiKey):
		return "malformed-api-key"
	case !requestIDSyntax.MatchString(requestID):
		return "malformed-request-id"
	case !timestampSyntax.MatchString(timestamp):
		return "malformed-timestamp"
	}
	return ""
}

// asciiLower lowercases ASCII letters only. FV-2 compares names ASCII case-insensitively; strings.EqualFold
// would also fold non-ASCII letters (the Kelvin sign U+212A matches "k"), which HTTP does not.
func asciiLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + ('a' - 'A')
		}
	}
	return string(b)
}

// trimValue removes leading and trailing spaces and horizontal tabs, and nothing else (FV-3). Not
// strings.TrimSpace, which also removes VT, FF, CR, U+00A0 and U+3000.
func trimValue(s string) string { return strings.Trim(s, " \t") }

// verify checks a received request, in the order of FV-16, stopping at the first failure.
func verify(v verifier, req receivedRequest) (decision, error) {
	// Collect every occurrence of each FV-1 field, matching names case-insensitively (FV-2) and
	// trimming values (FV-3). Other headers are ignored.
	fields := map[string][]string{}
	for _, pair := range req.Headers {
		for _, field := range signedHeaders {
			if asciiLower(pair[0]) == asciiLower(field) {
				fields[field] = append(fields[field], trimValue(pair[1]))
			}
		}
	}

	// FV-16 step 1: every FV-1 field is present.
	for _, field := range signedHeaders {
		if len(fields[field]) == 0 {
			return reject("missing-header"), nil
		}
	}
	// Step 2: none is repeated, even with equal values (FV-4).
	for _, field := range signedHeaders {
		if len(fields[field]) > 1 {
			return reject("duplicate-header"), nil
		}
	}
	apiKey := fields["Api-Key"][0]
	requestID := fields["Client-Request-Id"][0]
	timestamp := fields["Timestamp"][0]
	authType := fields["Auth-Token-Type"][0]
	signature := fields["Authorization"][0]

	// Step 3: Auth-Token-Type is exactly "HMAC", case-sensitive (FV-1).
	if authType != "HMAC" {
		return reject("bad-auth-type"), nil
	}
	// Steps 4-6: field syntax (FV-5, FV-6, FV-7), with explicit ASCII rules.
	if reason := fieldProblem(apiKey, requestID, timestamp); reason != "" {
		return reject(reason), nil
	}
	// At most 16 digits: always fits in an int64. Parse only after the syntax check (FV-7).
	ts, err := strconv.ParseInt(timestamp, 10, 64)
	if err != nil {
		return decision{}, err
	}

	// Steps 7-8: the time window, edges inclusive (FV-14).
	if v.NowMS-ts > v.WindowMS {
		return reject("stale"), nil
	}
	if ts-v.NowMS > v.WindowMS {
		return reject("future"), nil
	}

	// Step 9: the Api-Key is known (FV-9); it selects the secret and the algorithm.
	keyIndex := slices.IndexFunc(v.Keys, func(k appKey) bool { return k.APIKey == apiKey })
	if keyIndex < 0 {
		return reject("unknown-api-key"), nil
	}
	key := v.Keys[keyIndex]
	if !slices.Contains(firstVisionAlgorithms, key.Algorithm) {
		return decision{}, fmt.Errorf("algorithm %q is not allowed for FirstVision (FV-9)", key.Algorithm)
	}
	expected, err := computeMAC(key.Algorithm, key.Secret, stringToSign(apiKey, requestID, timestamp, req.Body))
	if err != nil {
		return decision{}, err
	}

	// Step 10: the signature's encoding (FV-11, FV-12).
	received, ok := decodeSignature(signature, len(expected), v.LegacyHexBase64)
	if !ok {
		return reject("malformed-signature"), nil
	}
	// Step 11: the signature's value, compared in constant time (FV-13, MAC-6).
	if !hmac.Equal(received, expected) {
		return reject("signature-mismatch"), nil
	}
	// Step 12: the Client-Request-Id was not accepted before, compared byte for byte (FV-15).
	if slices.Contains(v.SeenRequestIDs, requestID) {
		return reject("replay"), nil
	}
	return decision{Valid: true}, nil
}

// strictBase64Syntax is the standard alphabet followed by at most two padding characters (FV-11).
var strictBase64Syntax = regexp.MustCompile(`^[A-Za-z0-9+/]*={0,2}$`)

// decodeStrictBase64 accepts only the one canonical encoding of some bytes (FV-11): standard alphabet,
// correct padding, nothing inside (Go's decoder would otherwise skip '\r' and '\n'), and zero unused
// bits, which the re-encoding check enforces.
func decodeStrictBase64(text string) ([]byte, bool) {
	if len(text)%4 != 0 || !strictBase64Syntax.MatchString(text) {
		return nil, false
	}
	decoded, err := base64.StdEncoding.Strict().DecodeString(text)
	if err != nil || base64.StdEncoding.EncodeToString(decoded) != text {
		return nil, false
	}
	return decoded, true
}

// decodeSignature turns an Authorization value into MAC bytes, or reports it malformed.
func decodeSignature(text string, macLength int, legacyHexBase64 bool) ([]byte, bool) {
	decoded, ok := decodeStrictBase64(text) // FV-11
	if !ok {
		return nil, false
	}
	if len(decoded) == macLength { // FV-10: canonical encoding of the raw MAC
		return decoded, true
	}
	// FV-12: when configured, also accept Base64 of exactly 2L lowercase hex digits.
	if legacyHexBase64 && len(decoded) == 2*macLength && isLowerHex(decoded) {
		mac := make([]byte, macLength)
		if _, err := hex.Decode(mac, decoded); err == nil {
			return mac, true
		}
	}
	return nil, false
}

// isLowerHex reports whether b is made of the digits 0-9 and a-f only (uppercase is malformed, FV-12).
func isLowerHex(b []byte) bool {
	for _, c := range b {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

// ---------------------------------------------------------------------------------------------------
// The adapter protocol (docs/protocol.md)
// ---------------------------------------------------------------------------------------------------

// decodeInputBase64 decodes a byte field of a case. These come from the runner, so ordinary decoding is
// enough; the strict rules of FV-11 apply to signatures only.
func decodeInputBase64(field, text string) ([]byte, error) {
	b, err := base64.StdEncoding.DecodeString(text)
	if err != nil {
		return nil, fmt.Errorf("field %s is not valid Base64: %w", field, err)
	}
	return b, nil
}

// The operations: each decodes a case's input (docs/protocol.md), calls the functions above and encodes
// their result as the protocol's output.

type macInput struct {
	Algorithm string `json:"algorithm"`
	Key       string `json:"key"`     // Base64
	Message   string `json:"message"` // Base64
	Tag       string `json:"tag"`     // Base64, mac-verify only
	TagLength int    `json:"tag_length"`
}

// decodeMACInput returns the key and message bytes of a mac or mac-verify case.
func decodeMACInput(raw json.RawMessage) (in macInput, key, message []byte, err error) {
	if err = json.Unmarshal(raw, &in); err != nil {
		return in, nil, nil, err
	}
	if key, err = decodeInputBase64("key", in.Key); err != nil {
		return in, nil, nil, err
	}
	message, err = decodeInputBase64("message", in.Message)
	return in, key, message, err
}

type macOutput struct {
	Tag string `json:"tag"`
}

func hmacMAC(raw json.RawMessage) (any, error) {
	in, key, message, err := decodeMACInput(raw)
	if err != nil {
		return nil, err
	}
	tag, err := macTag(in.Algorithm, key, message, in.TagLength)
	if err != nil {
		return nil, err
	}
	return macOutput{Tag: base64.StdEncoding.EncodeToString(tag)}, nil
}

func hmacMACVerify(raw json.RawMessage) (any, error) {
	in, key, message, err := decodeMACInput(raw)
	if err != nil {
		return nil, err
	}
	received, err := decodeInputBase64("tag", in.Tag)
	if err != nil {
		return nil, err
	}
	return verifyMAC(in.Algorithm, key, message, received, in.TagLength)
}

type signInput struct {
	Algorithm         string `json:"algorithm"`
	Secret            string `json:"secret"` // Base64
	APIKey            string `json:"api_key"`
	ClientRequestID   string `json:"client_request_id"`
	Timestamp         string `json:"timestamp"`
	Method            string `json:"method"` // not signed (FV-8)
	Path              string `json:"path"`   // not signed (FV-8)
	Body              string `json:"body"`   // Base64
	SignatureEncoding string `json:"signature_encoding"`
}

type signOutput struct {
	Signature    string            `json:"signature"`
	StringToSign string            `json:"string_to_sign"` // Base64
	Headers      map[string]string `json:"headers"`
}

// refusedOutput is the answer of a signer that refuses its inputs (FV-17): the reason code a verifier would
// give for them. It is an output, not an error: refusing is the conforming behaviour.
type refusedOutput struct {
	Refused string `json:"refused"`
}

func firstVisionSign(raw json.RawMessage) (any, error) {
	var in signInput
	if err := json.Unmarshal(raw, &in); err != nil {
		return nil, err
	}
	secret, err := decodeInputBase64("secret", in.Secret)
	if err != nil {
		return nil, err
	}
	body, err := decodeInputBase64("body", in.Body)
	if err != nil {
		return nil, err
	}
	var legacy bool
	switch in.SignatureEncoding {
	case "base64":
	case "legacy-hex-base64":
		legacy = true
	default:
		return nil, fmt.Errorf("unknown signature_encoding %q", in.SignatureEncoding)
	}
	signed, err := sign(in.Algorithm, secret, in.APIKey, in.ClientRequestID, in.Timestamp, body, legacy)
	var r *refusal
	if errors.As(err, &r) {
		return refusedOutput{Refused: r.Reason}, nil
	}
	if err != nil {
		return nil, err
	}
	return signOutput{
		Signature:    signed.Signature,
		StringToSign: base64.StdEncoding.EncodeToString(signed.StringToSign),
		Headers:      signed.Headers,
	}, nil
}

type verifyInput struct {
	Request struct {
		Method  string     `json:"method"`
		Path    string     `json:"path"`
		Headers [][]string `json:"headers"` // [name, value] pairs in wire order
		Body    string     `json:"body"`    // Base64
	} `json:"request"`
	Keys []struct {
		APIKey    string `json:"api_key"`
		Secret    string `json:"secret"` // Base64
		Algorithm string `json:"algorithm"`
	} `json:"keys"`
	NowMS           int64    `json:"now_ms"`
	WindowMS        int64    `json:"window_ms"`
	SeenRequestIDs  []string `json:"seen_request_ids"`
	LegacyHexBase64 bool     `json:"legacy_hex_base64"`
}

func firstVisionVerify(raw json.RawMessage) (any, error) {
	var in verifyInput
	if err := json.Unmarshal(raw, &in); err != nil {
		return nil, err
	}
	req := receivedRequest{Method: in.Request.Method, Path: in.Request.Path}
	for _, pair := range in.Request.Headers {
		if len(pair) != 2 {
			return nil, fmt.Errorf("a header must be a [name, value] pair, got %d items", len(pair))
		}
		req.Headers = append(req.Headers, [2]string{pair[0], pair[1]})
	}
	var err error
	if req.Body, err = decodeInputBase64("request.body", in.Request.Body); err != nil {
		return nil, err
	}
	v := verifier{NowMS: in.NowMS, WindowMS: in.WindowMS, SeenRequestIDs: in.SeenRequestIDs,
		LegacyHexBase64: in.LegacyHexBase64}
	for _, k := range in.Keys {
		secret, err := decodeInputBase64("keys.secret", k.Secret)
		if err != nil {
			return nil, err
		}
		v.Keys = append(v.Keys, appKey{APIKey: k.APIKey, Secret: secret, Algorithm: k.Algorithm})
	}
	return verify(v, req)
}

// helloResponse states who we are and what we support. Go 1.26 has every algorithm of MAC-3.
func helloResponse() any {
	return map[string]any{
		"type":     "hello",
		"protocol": 1,
		"implementation": map[string]any{
			"name":     "hmac-conformance-go-example",
			"version":  "1.0.0",
			"language": "go",
		},
		"supports": map[string]any{
			"hmac": map[string]any{
				"operations": []string{"mac", "mac-verify"},
				"algorithms": hmacAlgorithms,
			},
			"firstvision": map[string]any{
				"operations":        []string{"sign", "verify"},
				"algorithms":        firstVisionAlgorithms,
				"legacy_hex_base64": true,
			},
		},
	}
}

// caseMessage is a "case" (and, with only Type set, a "hello" or "stop"). Unknown fields are ignored.
type caseMessage struct {
	Type      string          `json:"type"`
	Seq       int64           `json:"seq"`
	ID        string          `json:"id"`
	Scheme    string          `json:"scheme"`
	Operation string          `json:"operation"`
	Input     json.RawMessage `json:"input"`
}

// result is the answer to one case: exactly one of Output and Error is set.
type result struct {
	Type   string    `json:"type"`
	Seq    int64     `json:"seq"`
	Output any       `json:"output,omitempty"`
	Error  *errorMsg `json:"error,omitempty"`
}

type errorMsg struct {
	Message string `json:"message"`
}

// operations dispatches on scheme and operation.
var operations = map[[2]string]func(json.RawMessage) (any, error){
	{"hmac", "mac"}:           hmacMAC,
	{"hmac", "mac-verify"}:    hmacMACVerify,
	{"firstvision", "sign"}:   firstVisionSign,
	{"firstvision", "verify"}: firstVisionVerify,
}

// answer runs one case. Any failure, even a panic, becomes an "error" result rather than a crash.
func answer(msg caseMessage) (res result) {
	res = result{Type: "result", Seq: msg.Seq}
	defer func() {
		if p := recover(); p != nil {
			res.Output, res.Error = nil, &errorMsg{Message: fmt.Sprintf("panic: %v", p)}
		}
	}()
	run, ok := operations[[2]string{msg.Scheme, msg.Operation}]
	if !ok {
		res.Error = &errorMsg{Message: fmt.Sprintf("unsupported operation %s/%s", msg.Scheme, msg.Operation)}
		return res
	}
	output, err := run(msg.Input)
	if err != nil {
		res.Error = &errorMsg{Message: fmt.Sprintf("%s: %v", msg.ID, err)}
		return res
	}
	res.Output = output
	return res
}

// writeLine writes one message as a single JSON line and flushes it (the runner may be waiting for it).
func writeLine(out *bufio.Writer, message any) error {
	line, err := json.Marshal(message)
	if err != nil {
		return err
	}
	out.Write(line)
	out.WriteByte('\n')
	return out.Flush()
}

// handleLine answers one input line; it returns true when the runner asked us to stop.
func handleLine(line []byte, out *bufio.Writer) (stop bool, err error) {
	var msg caseMessage
	if err := json.Unmarshal(line, &msg); err != nil {
		// Without a valid message there is no seq to answer; say why on stderr.
		fmt.Fprintf(os.Stderr, "hmac-adapter: ignoring a line that is not a JSON message: %v\n", err)
		return false, nil
	}
	switch msg.Type {
	case "hello":
		return false, writeLine(out, helloResponse())
	case "case":
		return false, writeLine(out, answer(msg))
	case "stop":
		return true, nil
	default:
		fmt.Fprintf(os.Stderr, "hmac-adapter: ignoring a message of type %q\n", msg.Type)
		return false, nil
	}
}

func main() {
	// Lines can be megabytes long (large bodies): ReadBytes grows as needed, unlike bufio.Scanner's
	// default 64 KiB limit.
	in := bufio.NewReaderSize(os.Stdin, 4<<20)
	out := bufio.NewWriter(os.Stdout)
	for {
		line, readErr := in.ReadBytes('\n')
		if len(bytes.TrimSpace(line)) > 0 {
			stop, err := handleLine(line, out)
			if err != nil {
				fmt.Fprintf(os.Stderr, "hmac-adapter: cannot write to stdout: %v\n", err)
				os.Exit(1)
			}
			if stop {
				return
			}
		}
		if errors.Is(readErr, io.EOF) {
			return // end of input: one-shot mode is done, or the runner went away
		}
		if readErr != nil {
			fmt.Fprintf(os.Stderr, "hmac-adapter: cannot read stdin: %v\n", readErr)
			os.Exit(1)
		}
	}
}
