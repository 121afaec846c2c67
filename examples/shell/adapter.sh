#!/bin/sh
# hmac-conformance example adapter in POSIX sh, over the `openssl` command-line tool (protocol version 1).
#
# Implements the raw HMAC primitive (docs/spec/hmac.md: operations `mac` and `mac-verify`) and the
# FirstVision signer (docs/spec/firstvision.md: operation `sign`, both signature encodings, and the refusal of
# malformed inputs of FV-17).
# FirstVision `verify` is answered with `skip`: parsing the header list, trimming, duplicate detection and
# the ordered checks of FV-16 are not worth writing in sh (see the other examples for a verifier).
#
# Needs: a POSIX sh (tested with dash), OpenSSL 3 (`openssl mac`), and sed, od, tr, dd, wc, mktemp.
# Nothing to build. Run from the repository root, in one-shot mode:
#   hmac-conformance run --impl 'cmd:sh examples/shell/adapter.sh'
# It reads JSON messages line by line from stdin and answers each with one line on stdout: a `case` gets
# one `result`, a `hello` gets the hello response, `stop` or the end of input ends it with status 0.
# Diagnostics (openssl's error messages) go to stderr.
#
# THIS IS A TEST ADAPTER, NOT A MODEL FOR PRODUCTION CODE:
# - it is NOT constant-time (MAC-6 / FV-13): the shell can only compare two strings with
#   `[ "$a" = "$b" ]`, which stops at the first difference. A real verifier must use its language's
#   constant-time comparison (see the other examples);
# - keys are handed to openssl on its command line (`-macopt hexkey:...`), where other users of the
#   machine can read them with `ps`.
#
# Binary data (keys, messages, MACs) never goes through a shell variable, which cannot hold a NUL byte
# and loses trailing newlines: it lives in temporary files and is turned into hex or Base64 text with
# od and `openssl base64` when it has to be compared or printed.

set -u

NAME=shell-openssl-example
VERSION=1.0.0
ALL_ALGORITHMS="md5 sha1 sha224 sha256 sha384 sha512 sha512-224 sha512-256 sha3-224 sha3-256 sha3-384 sha3-512"   # MAC-3

tmp=$(mktemp -d "${TMPDIR:-/tmp}/hmac-conformance.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' HUP INT TERM   # run the EXIT trap (clean-up) when killed too

# ---------------------------------------------------------------------------------------------------------
# Reading fields out of one message line
# ---------------------------------------------------------------------------------------------------------
# The runner writes every message as ONE line of compact JSON. This adapter does not parse JSON in
# general; it picks the few members it needs out of the line with sed. That is reliable here because a `"`
# inside a JSON string is always escaped (`\"`), so the text `"name":` can only be a real member name, and
# every member read below occurs once in a line of the operations this adapter supports.
# The line is kept in the file $line_file (a 1 MiB message makes a line of 1.4 MB: too long to be a command
# argument where printf is not a shell builtin, e.g. posh). Every sed over it scans the whole line, so the
# short members are read from $fields_file: the same line with the values of "message" and "body" (the
# only members that can be large) emptied, made by one sed per message.
line_file="$tmp/line.json"
fields_file="$tmp/fields.json"

# Print "x" followed by the text of the string member "$1" (read from file $2, by default $fields_file), or
# nothing when the member is missing or its value contains an escape sequence (`\`), which this adapter
# does not decode. The "x" tells an empty string ("key":"") apart from a missing member.
x_field() {
    sed -n 's/.*"'"$1"'":"\([^"\\]*\)".*/x\1/p' "${2:-$fields_file}"
}

# Print the text of the (short) string member "$1"; fail if it is missing or contains an escape sequence.
str_field() {
    value=$(x_field "$1")
    [ -n "$value" ] || return 1
    printf '%s\n' "${value#x}"
}

# Succeed if the line has the string member "$1", whatever its value (escape sequences included).
has_string_field() {
    grep -q '"'"$1"'":"' "$fields_file"
}

# Print the non-negative integer member "$1" (nothing if it is missing).
int_field() {
    sed -n 's/.*"'"$1"'":\([0-9][0-9]*\).*/\1/p' "$fields_file"
}

# Base64-decode the string member "$1" into the file $2. The text goes from sed to openssl through a file.
b64_field_to_file() {
    x_field "$1" "$line_file" > "$2.b64"
    [ -s "$2.b64" ] || return 1
    sed 's/^x//' "$2.b64" | openssl base64 -d -A > "$2"
}

# ---------------------------------------------------------------------------------------------------------
# Bytes and HMAC
# ---------------------------------------------------------------------------------------------------------

# Print the bytes of file $1 as lowercase hex, on one line (-v: do not abbreviate repeated lines as `*`).
hex_of() {
    od -An -v -tx1 "$1" | tr -d ' \n'
}

# Print the Base64 text of file $1 (standard alphabet, padded, one line; nothing for an empty file).
b64_of() {
    openssl base64 -A < "$1"
}

# Print the length of file $1 in bytes.
size_of() {
    wc -c < "$1" | tr -d ' '
}

# MAC-3: print the output length L in bytes of algorithm $1; fail for an unknown identifier.
mac_length() {
    case $1 in
        md5) echo 16 ;;
        sha1) echo 20 ;;
        sha224 | sha512-224 | sha3-224) echo 28 ;;
        sha256 | sha512-256 | sha3-256) echo 32 ;;
        sha384 | sha3-384) echo 48 ;;
        sha512 | sha3-512) echo 64 ;;
        *) return 1 ;;
    esac
}

# Succeed if this openssl provides HMAC with algorithm $1 (e.g. MD5 is missing in FIPS mode).
# openssl knows the suite's identifiers as digest names: md5, sha1, sha256, sha512-256, sha3-256, ...
available() {
    openssl mac -digest "$1" -macopt hexkey:00 -in /dev/null HMAC > /dev/null 2>&1
}

# HMAC (MAC-1) with algorithm $1, keyed with the bytes of file $2, over the bytes of file $3; the full
# output is written raw to file $4. openssl prepares the key itself (MAC-2) with the block length of the
# hash in use (the sponge rate for SHA-3). The message is read from a file, so a 1 MiB message is no
# problem. An empty key is `hexkey:` with nothing after the colon: `openssl mac` accepts it, whereas
# `openssl dgst -mac HMAC -macopt hexkey:` fails; this is why `openssl mac` is used.
hmac_to_file() {
    openssl mac -digest "$1" -macopt "hexkey:$(hex_of "$2")" -binary -in "$3" -out "$4" HMAC
}

# ---------------------------------------------------------------------------------------------------------
# Responses (one line each; $seq is the sequence number of the case being answered)
# ---------------------------------------------------------------------------------------------------------

reply_output() {   # $1: the output object, already JSON
    printf '{"type":"result","seq":%s,"output":%s}\n' "$seq" "$1"
}

reply_skip() {     # $1: the reason, plain text without `"` or `\`
    printf '{"type":"result","seq":%s,"skip":{"reason":"%s"}}\n' "$seq" "$1"
}

reply_error() {    # $1: the message, plain text without `"` or `\`
    printf '{"type":"result","seq":%s,"error":{"message":"%s"}}\n' "$seq" "$1"
}

reply_decision() { # $1: true or false; $2: the reason code when false
    if [ "$1" = true ]; then
        reply_output '{"valid":true}'
    else
        reply_output '{"valid":false,"reason":"'"$2"'"}'
    fi
}

hello() {
    # Declare only the algorithms this openssl actually provides.
    hmac_algorithms=
    fv_algorithms=
    for a in $ALL_ALGORITHMS; do
        available "$a" || continue
        hmac_algorithms="$hmac_algorithms${hmac_algorithms:+,}\"$a\""
        case $a in sha256 | sha512) fv_algorithms="$fv_algorithms${fv_algorithms:+,}\"$a\"" ;; esac  # FV-9
    done
    printf '{"type":"hello","protocol":1,"implementation":{"name":"%s","version":"%s","language":"sh"},' \
        "$NAME" "$VERSION"
    printf '"supports":{"hmac":{"operations":["mac","mac-verify"],"algorithms":[%s]},' "$hmac_algorithms"
    printf '"firstvision":{"operations":["sign"],"algorithms":[%s],"legacy_hex_base64":true}}}\n' \
        "$fv_algorithms"
}

# ---------------------------------------------------------------------------------------------------------
# Operations
# ---------------------------------------------------------------------------------------------------------

# hmac/mac and hmac/mac-verify ($1 is the operation).
hmac_case() {
    length=$(mac_length "$algorithm") || { reply_error "unknown algorithm"; return; }
    tag_length=$(int_field tag_length)
    # MAC-4: a tag is 10..L bytes long.
    if [ -z "$tag_length" ] || [ "$tag_length" -lt 10 ] || [ "$tag_length" -gt "$length" ]; then
        reply_error "tag_length missing or outside 10..$length (MAC-4)"
        return
    fi
    if ! b64_field_to_file key "$tmp/key" || ! b64_field_to_file message "$tmp/message"; then
        reply_error "could not read key or message"
        return
    fi
    if ! hmac_to_file "$algorithm" "$tmp/key" "$tmp/message" "$tmp/full"; then
        reply_error "openssl mac failed (see stderr)"
        return
    fi
    # MAC-4: the tag is the leftmost tag_length bytes of the HMAC.
    dd if="$tmp/full" of="$tmp/expected" bs="$tag_length" count=1 2> /dev/null

    if [ "$1" = mac ]; then
        reply_output '{"tag":"'"$(b64_of "$tmp/expected")"'"}'
        return
    fi

    b64_field_to_file tag "$tmp/received" || { reply_error "could not read tag"; return; }
    # MAC-4/MAC-5: the length comes from the configuration (tag_length), never from the received tag, and a
    # tag of another length is rejected before any comparison.
    if [ "$(size_of "$tmp/received")" -ne "$tag_length" ]; then
        reply_decision false wrong-tag-length
        return
    fi
    # MAC-5: compare the full tags (as hex text). NOT constant-time (MAC-6): see the top of this file.
    if [ "$(hex_of "$tmp/received")" = "$(hex_of "$tmp/expected")" ]; then
        reply_decision true
    else
        reply_decision false tag-mismatch
    fi
}

# ---------------------------------------------------------------------------------------------------------
# Field syntax (FV-5, FV-6, FV-7) for the signer's refusal (FV-17)
# ---------------------------------------------------------------------------------------------------------
# The characters are listed one by one: a range such as [A-Z] can match other letters in some locales.
LETTERS_DIGITS=ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789
DIGITS=0123456789

# Succeed if the string member "$1" is 1..$2 characters, each one of the characters listed in $3; the
# value is left in $value. A value with a JSON escape sequence fails: the runner escapes only '"', '\',
# control and non-ASCII characters (docs/protocol.md), and none of them is allowed by FV-5..7.
value_ok() {
    value=$(x_field "$1")
    [ -n "$value" ] || return 1          # an escape sequence inside (x_field prints nothing)
    value=${value#x}
    [ -n "$value" ] && [ "${#value}" -le "$2" ] || return 1
    case $value in *[!$3]*) return 1 ;; esac
}

# Read api_key, client_request_id and timestamp into $api_key, $request_id and $timestamp, checking them
# in the order FV-5, FV-6, FV-7. $reason is left empty if all three are valid; otherwise it is the reason
# code for the first that is not, and the signer refuses (FV-17). Each value is read once: every read
# scans the whole line, which is 1.4 MB for a 1 MiB body.
read_fields() {
    reason=
    # FV-5: ^[A-Za-z0-9]{1,128}$
    value_ok api_key 128 "$LETTERS_DIGITS" || { reason=malformed-api-key; return; }
    api_key=$value
    # FV-6: ^[A-Za-z0-9-]{1,128}$
    value_ok client_request_id 128 "$LETTERS_DIGITS-" || { reason=malformed-request-id; return; }
    request_id=$value
    # FV-7: ^[1-9][0-9]{0,15}$
    value_ok timestamp 16 "$DIGITS" || { reason=malformed-timestamp; return; }
    case $value in 0*) reason=malformed-timestamp; return ;; esac
    timestamp=$value
}

# firstvision/sign.
sign_case() {
    case $algorithm in
        sha256 | sha512) ;;   # FV-9
        *) reply_error "firstvision algorithm must be sha256 or sha512"; return ;;
    esac
    if ! has_string_field api_key || ! has_string_field client_request_id || ! has_string_field timestamp; then
        reply_error "api_key, client_request_id or timestamp is missing"
        return
    fi
    # FV-17: the values are signed exactly as given, never trimmed (FV-3 is for received header lines). A
    # value that breaks FV-5..7 is refused with the reason a verifier would give: an answer, not an error.
    read_fields
    if [ -n "$reason" ]; then
        reply_output '{"refused":"'"$reason"'"}'
        return
    fi
    # Valid values are plain ASCII letters, digits and '-', so they are echoed into the JSON output as they
    # came: there is nothing to escape.
    encoding=$(str_field signature_encoding) || encoding=
    # FV-9: the secret is used as the bytes received (the UTF-8 bytes of the secret as issued).
    if ! b64_field_to_file secret "$tmp/secret" || ! b64_field_to_file body "$tmp/body"; then
        reply_error "could not read secret or body"
        return
    fi

    # FV-8: Api-Key || Client-Request-Id || Timestamp || body, no separators, body bytes exactly as given.
    printf '%s%s%s' "$api_key" "$request_id" "$timestamp" > "$tmp/string-to-sign"
    cat "$tmp/body" >> "$tmp/string-to-sign"
    # FV-9: full MAC output, no truncation.
    if ! hmac_to_file "$algorithm" "$tmp/secret" "$tmp/string-to-sign" "$tmp/mac"; then
        reply_error "openssl mac failed (see stderr)"
        return
    fi
    case $encoding in
        base64) signature=$(b64_of "$tmp/mac") ;;   # FV-10: Base64 of the raw MAC bytes
        legacy-hex-base64)                          # FV-12: Base64 of the lowercase hex text
            hex_of "$tmp/mac" > "$tmp/mac.hex"      # od prints lowercase hex
            signature=$(b64_of "$tmp/mac.hex") ;;
        *) reply_error "unknown signature_encoding"; return ;;
    esac

    # FV-1: the headers to send; Content-Type only with a body.
    headers='"Api-Key":"'"$api_key"'","Client-Request-Id":"'"$request_id"'","Timestamp":"'"$timestamp"'"'
    headers="$headers"',"Auth-Token-Type":"HMAC","Authorization":"'"$signature"'"'
    if [ -s "$tmp/body" ]; then
        headers="$headers"',"Content-Type":"application/json"'
    fi
    # Printed in three pieces so that a long string_to_sign never becomes a command argument.
    printf '{"type":"result","seq":%s,"output":{"signature":"%s","string_to_sign":"' "$seq" "$signature"
    b64_of "$tmp/string-to-sign"
    printf '","headers":{%s}}}\n' "$headers"
}

# One `case` message, in $line_file: always exactly one result line.
answer_case() {
    seq=$(int_field seq)
    [ -n "$seq" ] || seq=0
    scheme=$(str_field scheme) || scheme=
    operation=$(str_field operation) || operation=
    algorithm=$(str_field algorithm) || algorithm=

    # In one-shot mode every case is sent: skip the algorithms this openssl lacks (SHA-3 or MD5 may be).
    if mac_length "$algorithm" > /dev/null && ! available "$algorithm"; then
        reply_skip "HMAC with $algorithm is not available in this openssl"
        return
    fi
    case $scheme/$operation in
        hmac/mac | hmac/mac-verify) hmac_case "$operation" ;;
        firstvision/sign) sign_case ;;
        firstvision/verify)
            reply_skip "firstvision verify is not implemented by the shell example (parsing the header list and the ordered checks of FV-16 are not worth writing in sh)" ;;
        *) reply_error "unknown scheme or operation" ;;
    esac
}

# ---------------------------------------------------------------------------------------------------------
# The protocol loop: one message per line (the `|| [ -n ... ]` also reads a last line without a newline).
# ---------------------------------------------------------------------------------------------------------
while IFS= read -r line || [ -n "$line" ]; do
    # A here-document writes the line to a file without making it a command argument, and (like "$line")
    # leaves its backslashes alone.
    cat > "$line_file" <<EOF
$line
EOF
    sed -e 's/"message":"[^"]*"/"message":""/' -e 's/"body":"[^"]*"/"body":""/' "$line_file" > "$fields_file"
    case $(str_field type) in
        case) answer_case ;;
        hello) hello ;;
        stop) break ;;
        *) echo "ignoring a line that is not a known message" >&2 ;;
    esac
done
exit 0
