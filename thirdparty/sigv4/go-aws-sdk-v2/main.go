// Command sigv4-adapter is the hmac-conformance adapter (protocol v1, scheme sigv4) for the Signature
// Version 4 signer of the AWS SDK for Go v2 (github.com/aws/aws-sdk-go-v2/aws/signer/v4). One loop serves
// both modes: it answers "hello" and "case" lines and stops at "stop" or at the end of input.
package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"os"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/smithy-go/logging"
)

const module = "github.com/aws/aws-sdk-go-v2"

type caseInput struct {
	Request struct {
		Method, Target, Body string
		Headers              [][2]string
	}
	Credentials struct {
		AccessKeyID     string `json:"access_key_id"`
		SecretAccessKey string `json:"secret_access_key"`
		SessionToken    string `json:"session_token"`
	}
	Region, Service, Time, Mode, Payload string
	Expires                              int64
	URIEncoding                          string `json:"uri_encoding"`
	SessionToken                         string `json:"session_token"`
}

type signOutput struct {
	Signature        string      `json:"signature"`
	Added            [][2]string `json:"added"`
	CanonicalRequest string      `json:"canonical_request"`
	StringToSign     string      `json:"string_to_sign"`
}

type unsupported string

func (u unsupported) Error() string { return string(u) }

func sign(in caseInput) (*signOutput, error) {
	if in.Payload == "hash-header" || in.Payload == "unsigned-header" {
		return nil, unsupported("the signer never adds X-Amz-Content-Sha256 (the SDK adds it in a separate middleware)")
	}
	body, err := base64.StdEncoding.DecodeString(in.Request.Body)
	signingTime, timeErr := time.Parse("20060102T150405Z", in.Time)
	if err = errors.Join(err, timeErr); err != nil {
		return nil, err
	}
	var host string
	for _, h := range in.Request.Headers {
		if strings.EqualFold(h[0], "Host") {
			host = h[1]
		}
	}
	req, err := http.NewRequest(in.Request.Method, "https://"+host+in.Request.Target, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	for _, h := range in.Request.Headers {
		if !strings.EqualFold(h[0], "Host") { // net/http carries the Host field in req.Host, not in Header
			req.Header.Add(h[0], h[1])
		}
	}
	before, originalQuery := req.Header.Clone(), req.URL.RawQuery

	// The caller supplies the payload hash (in the SDK a middleware computes it before signing).
	payloadHash := "UNSIGNED-PAYLOAD"
	if in.Payload == "hash" {
		sum := sha256.Sum256(body)
		payloadHash = hex.EncodeToString(sum[:])
	}
	tokenAfter := in.Credentials.SessionToken != "" && in.SessionToken == "unsigned"
	out := &signOutput{Added: [][2]string{}}
	options := func(o *v4.SignerOptions) {
		o.DisableURIPathEscaping = in.URIEncoding == "single"
		o.DisableSessionToken = tokenAfter
		// The documented debug hook: the signer logs the canonical request and the string to sign.
		o.LogSigning = true
		o.Logger = logging.LoggerFunc(func(_ logging.Classification, _ string, v ...interface{}) {
			if len(v) >= 2 {
				out.CanonicalRequest, _ = v[0].(string)
				out.StringToSign, _ = v[1].(string)
			}
		})
	}
	creds := aws.Credentials{AccessKeyID: in.Credentials.AccessKeyID,
		SecretAccessKey: in.Credentials.SecretAccessKey, SessionToken: in.Credentials.SessionToken}
	signer := v4.NewSigner()

	if in.Mode == "header" {
		if err := signer.SignHTTP(context.Background(), creds, req, payloadHash, in.Service, in.Region, signingTime, options); err != nil {
			return nil, err
		}
		if tokenAfter { // DisableSessionToken leaves the token to the caller, to be sent unsigned
			req.Header.Set("X-Amz-Security-Token", in.Credentials.SessionToken)
		}
		out.Added = append(out.Added, difference(headerPairs(req.Header), headerPairs(before))...)
		authorization := req.Header.Get("Authorization")
		out.Signature = authorization[strings.LastIndex(authorization, "Signature=")+len("Signature="):]
	} else {
		// As PresignHTTP's documentation says, the caller puts X-Amz-Expires into the query.
		req.URL.RawQuery = strings.TrimPrefix(originalQuery+"&X-Amz-Expires="+strconv.FormatInt(in.Expires, 10), "&")
		signedURI, _, err := signer.PresignHTTP(context.Background(), creds, req, payloadHash, in.Service, in.Region, signingTime, options)
		if err != nil {
			return nil, err
		}
		if tokenAfter {
			signedURI += "&X-Amz-Security-Token=" + url.QueryEscape(in.Credentials.SessionToken)
		}
		_, signedQuery, _ := strings.Cut(signedURI, "?")
		out.Added = difference(queryPairs(signedQuery), queryPairs(originalQuery))
		for _, pair := range out.Added {
			if pair[0] == "X-Amz-Signature" {
				out.Signature = pair[1]
			}
		}
	}
	if out.CanonicalRequest == "" || out.StringToSign == "" {
		return nil, errors.New("the signer logged no canonical request / string to sign")
	}
	return out, nil
}

func headerPairs(header http.Header) (result [][2]string) {
	for name, values := range header {
		for _, v := range values {
			result = append(result, [2]string{name, v})
		}
	}
	return result
}

// difference returns the pairs of after that are not in before (as a multiset).
func difference(after, before [][2]string) (added [][2]string) {
	kept := slices.Clone(before)
	for _, pair := range after {
		if i := slices.Index(kept, pair); i >= 0 {
			kept = slices.Delete(kept, i, i+1)
		} else {
			added = append(added, pair)
		}
	}
	return added
}

// queryPairs splits a raw query into percent-decoded [name, value] pairs, '+' kept as it is.
func queryPairs(raw string) (result [][2]string) {
	unescape := func(s string) string {
		if u, err := url.PathUnescape(s); err == nil {
			return u
		}
		return s
	}
	for _, piece := range strings.Split(raw, "&") {
		if name, value, _ := strings.Cut(piece, "="); piece != "" {
			result = append(result, [2]string{unescape(name), unescape(value)})
		}
	}
	return result
}

func answer(seq json.RawMessage, operation string, raw json.RawMessage) map[string]any {
	result := map[string]any{"type": "result", "seq": seq}
	var in caseInput
	var out *signOutput
	err := json.Unmarshal(raw, &in)
	if err == nil {
		out, err = sign(in)
	}
	var skip unsupported
	switch {
	case errors.As(err, &skip):
		result["skip"] = map[string]string{"reason": string(skip)}
	case err != nil:
		result["error"] = map[string]string{"message": err.Error()}
	case operation == "canonical-request":
		result["output"] = map[string]string{"canonical_request": out.CanonicalRequest}
	case operation == "string-to-sign":
		result["output"] = map[string]string{"string_to_sign": out.StringToSign}
	default:
		result["output"] = out
	}
	return result
}

func hello() map[string]any {
	version := "unknown"
	if info, ok := debug.ReadBuildInfo(); ok {
		for _, dep := range info.Deps {
			if dep.Path == module {
				version = strings.TrimPrefix(dep.Version, "v")
			}
		}
	}
	return map[string]any{
		"type": "hello", "protocol": 1,
		"implementation": map[string]string{"name": module + "/aws/signer/v4", "version": version, "language": "go",
			"homepage": "https://pkg.go.dev/github.com/aws/aws-sdk-go-v2/aws/signer/v4"},
		"supports": map[string]any{"sigv4": map[string]any{
			"operations": []string{"canonical-request", "string-to-sign", "sign"},
			"features":   []string{"query", "session-token", "unsigned-session-token", "single-encoding", "no-normalize", "unsigned-payload"},
		}},
	}
}

func main() {
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 64*1024), 64<<20)
	out := bufio.NewWriter(os.Stdout)
	defer out.Flush()
	encoder := json.NewEncoder(out)
	encoder.SetEscapeHTML(false)
	for in.Scan() {
		var message struct {
			Type, Operation string
			Seq, Input      json.RawMessage
		}
		if len(bytes.TrimSpace(in.Bytes())) == 0 || json.Unmarshal(in.Bytes(), &message) != nil {
			continue
		}
		switch message.Type {
		case "hello":
			_ = encoder.Encode(hello())
		case "case":
			_ = encoder.Encode(answer(message.Seq, message.Operation, message.Input))
		default:
			return // stop
		}
		_ = out.Flush()
	}
}
