#!/usr/bin/env perl
# hmac-conformance example adapter in Perl (protocol version 1).
#
# Implements the raw HMAC primitive (docs/spec/hmac.md, rules MAC-1..6) and the FirstVision request
# signature (docs/spec/firstvision.md, rules FV-1..17) with Perl 5.36 core modules only: Digest::SHA,
# Digest::MD5, MIME::Base64 and JSON::PP. Nothing to build or install.
#
# Run:  perl examples/perl/adapter.pl
#   hmac-conformance run --impl 'jsonl:perl examples/perl/adapter.pl'   (persistent mode, the main one)
#   hmac-conformance run --impl 'cmd:perl examples/perl/adapter.pl'     (one-shot mode)
# Both modes are served by the same loop: read one JSON message per line from stdin, answer `hello` and
# `case` with one JSON line on stdout, exit 0 on `stop` or at end of input. Diagnostics go to stderr.
#
# SHA-3 is not in core Perl, so sha3-* is declared unsupported (and skipped if sent in one-shot mode).
use v5.36;
use strict;
use warnings;

use Digest::SHA qw(hmac_sha1 hmac_sha224 hmac_sha256 hmac_sha384 hmac_sha512 hmac_sha512224 hmac_sha512256);
use Digest::MD5 qw(md5);
use MIME::Base64 qw(encode_base64 decode_base64);
use JSON::PP;

binmode STDIN,  ':raw';
binmode STDOUT, ':raw';
$| = 1;    # flush stdout after every line

my $JSON = JSON::PP->new->utf8->canonical;    # bytes in and out, UTF-8 encoded JSON

# ---------------------------------------------------------------------------------------------------------
# The HMAC primitive (hmac.md)
# ---------------------------------------------------------------------------------------------------------

# HMAC-MD5 from the RFC 2104 construction (MAC-1, MAC-2): Digest::HMAC_MD5 is not a core module.
sub hmac_md5 ($data, $key) {
    my $block = 64;                                       # MD5 block length B (MAC-3)
    $key = md5($key) if length($key) > $block;            # MAC-2: a long key is replaced by H(K)
    $key .= "\0" x ($block - length $key);                # MAC-2: right-pad with zero bytes to B
    # `^.` is the string (byte-wise) XOR under `use v5.36` (feature 'bitwise'); plain `^` is numeric.
    my $inner = md5(($key ^. ("\x36" x $block)) . $data);  # H((K' xor ipad) || m)
    return md5(($key ^. ("\x5c" x $block)) . $inner);      # H((K' xor opad) || inner)
}

# Supported algorithms (MAC-3): HMAC function (data, key) -> raw MAC, and output length L in bytes.
# Digest::SHA's hmac_* functions follow RFC 2104, including long and empty keys (MAC-2).
# SHA-512/224 and SHA-512/256 are Digest::SHA's own (own initial values, not SHA-512 cut short).
my %ALGORITHMS = (
    md5          => { hmac => \&hmac_md5,       length => 16 },
    sha1         => { hmac => \&hmac_sha1,      length => 20 },
    sha224       => { hmac => \&hmac_sha224,    length => 28 },
    sha256       => { hmac => \&hmac_sha256,    length => 32 },
    sha384       => { hmac => \&hmac_sha384,    length => 48 },
    sha512       => { hmac => \&hmac_sha512,    length => 64 },
    'sha512-224' => { hmac => \&hmac_sha512224, length => 28 },
    'sha512-256' => { hmac => \&hmac_sha512256, length => 32 },
);
my @HMAC_ALGORITHMS = qw(md5 sha1 sha224 sha256 sha384 sha512 sha512-224 sha512-256);
my @FV_ALGORITHMS   = qw(sha256 sha512);    # FV-9

# Thrown (die) for a case this adapter cannot process; becomes a `skip` response.
package Unsupported { sub new ($class, $reason) { return bless { reason => $reason }, $class } }

sub algorithm ($name) {
    return $ALGORITHMS{$name} if exists $ALGORITHMS{$name};
    die Unsupported->new("SHA-3 is not available in core Perl (Digest::SHA has SHA-1/SHA-2 only)")
        if $name =~ /\Asha3-/;
    die "unknown algorithm '$name'\n";
}

sub hmac ($name, $key, $message) {
    return algorithm($name)->{hmac}->($message, $key);
}

# MAC-6: constant-time comparison. Digest::SHA has no such function, so compare every byte and OR the
# XORed differences together: the time does not depend on where the first difference is.
# Callers check the lengths first (MAC-5, FV-11); unequal lengths are simply not equal.
sub equal_constant_time ($x, $y) {
    return 0 if length($x) != length($y);
    my $diff = 0;
    for my $i (0 .. length($x) - 1) {
        $diff |= ord(substr($x, $i, 1)) ^ ord(substr($y, $i, 1));
    }
    return $diff == 0;
}

# MAC-4: the tag length t is configuration: at least 10 bytes and at most L.
sub checked_tag_length ($name, $t) {
    my $full = algorithm($name)->{length};
    die "tag_length $t is outside 10..$full for $name (MAC-4)\n" if $t < 10 || $t > $full;
    return $t;
}

sub op_mac ($in) {
    my $t   = checked_tag_length($in->{algorithm}, $in->{tag_length});
    my $mac = hmac($in->{algorithm}, decode_base64($in->{key}), decode_base64($in->{message}));
    return { tag => encode_base64(substr($mac, 0, $t), '') };    # MAC-4: leftmost t bytes
}

sub op_mac_verify ($in) {
    my $t        = checked_tag_length($in->{algorithm}, $in->{tag_length});
    my $received = decode_base64($in->{tag});
    # MAC-5: a tag that is not exactly t bytes is rejected before any comparison.
    return rejected('wrong-tag-length') if length($received) != $t;
    my $mac = hmac($in->{algorithm}, decode_base64($in->{key}), decode_base64($in->{message}));
    return rejected('tag-mismatch') unless equal_constant_time($received, substr($mac, 0, $t));
    return { valid => JSON::PP::true };
}

sub rejected ($reason) { return { valid => JSON::PP::false, reason => $reason } }

# ---------------------------------------------------------------------------------------------------------
# The FirstVision request signature (firstvision.md)
# ---------------------------------------------------------------------------------------------------------

# Field syntax, with explicit ASCII classes and \z (Perl's `$` would also match before a final "\n").
my $API_KEY_RE    = qr/\A[A-Za-z0-9]{1,128}\z/;     # FV-5
my $REQUEST_ID_RE = qr/\A[A-Za-z0-9-]{1,128}\z/;    # FV-6
my $TIMESTAMP_RE  = qr/\A[1-9][0-9]{0,15}\z/;       # FV-7: no sign, no leading zero, ASCII digits only

# FV-8: Api-Key || Client-Request-Id || Timestamp || body, no separators; the body exactly as sent.
sub string_to_sign ($api_key, $request_id, $timestamp, $body) {
    my $text = $api_key . $request_id . $timestamp;
    utf8::encode($text);    # character string -> bytes (the fields are ASCII once checked)
    return $text . $body;
}

# The reason code for the first of the three signed values that breaks its syntax (FV-5, FV-6, FV-7, in
# that order), or undef. Shared by the signer (FV-17) and the verifier (FV-16 steps 4-6).
sub field_problem ($api_key, $request_id, $timestamp) {
    return 'malformed-api-key'    unless $api_key =~ $API_KEY_RE;
    return 'malformed-request-id' unless $request_id =~ $REQUEST_ID_RE;
    return 'malformed-timestamp'  unless $timestamp =~ $TIMESTAMP_RE;
    return undef;
}

sub op_sign ($in) {
    # FV-17: the values are signed exactly as given, never trimmed (FV-3 is for received header lines). A
    # value that breaks FV-5..7 is refused with the reason a verifier would give: an answer, not an error.
    my $refused = field_problem($in->{api_key}, $in->{client_request_id}, $in->{timestamp});
    return { refused => $refused } if defined $refused;
    my $body = decode_base64($in->{body});
    my $sts  = string_to_sign($in->{api_key}, $in->{client_request_id}, $in->{timestamp}, $body);
    # FV-9: HMAC keyed with the secret's bytes as issued, full output.
    my $mac = hmac($in->{algorithm}, decode_base64($in->{secret}), $sts);
    my $signature;
    if ($in->{signature_encoding} eq 'base64') {
        $signature = encode_base64($mac, '');                    # FV-10: canonical encoding
    } elsif ($in->{signature_encoding} eq 'legacy-hex-base64') {
        $signature = encode_base64(unpack('H*', $mac), '');      # FV-12: Base64 of the lowercase hex
    } else {
        die "unknown signature_encoding '$in->{signature_encoding}'\n";
    }
    my %headers = (
        'Api-Key'           => $in->{api_key},
        'Client-Request-Id' => $in->{client_request_id},
        'Timestamp'         => $in->{timestamp},
        'Auth-Token-Type'   => 'HMAC',
        'Authorization'     => $signature,
    );
    $headers{'Content-Type'} = 'application/json' if length $body;    # FV-1: not signed
    return { signature => $signature, string_to_sign => encode_base64($sts, ''), headers => \%headers };
}

# FV-11: strict Base64 decoding. Returns the bytes, or undef if the text is not canonical Base64.
sub decode_base64_strict ($text) {
    return undef unless $text =~ /\A[A-Za-z0-9+\/]*={0,2}\z/ && length($text) % 4 == 0;
    my $bytes = decode_base64($text);
    # Re-encoding must give back the same text: this rejects misplaced padding and non-zero unused bits.
    return undef unless encode_base64($bytes, '') eq $text;
    return $bytes;
}

# FV-11, FV-12: the MAC carried by the Authorization value, or undef if it is malformed.
sub decode_signature ($text, $mac_length, $legacy_allowed) {
    my $bytes = decode_base64_strict($text) // return undef;
    return $bytes if length($bytes) == $mac_length;                       # FV-10 canonical form
    if ($legacy_allowed && length($bytes) == 2 * $mac_length) {           # FV-12 legacy form
        return undef unless $bytes =~ /\A[0-9a-f]+\z/;                    # lowercase hex only
        return pack('H*', $bytes);
    }
    return undef;
}

my @SIGNED_HEADERS = qw(api-key client-request-id timestamp auth-token-type authorization);    # FV-1

sub op_verify ($in) {
    my $request = $in->{request};

    # FV-2, FV-3: collect the values of the FV-1 fields by lowercased name, trimmed of spaces and tabs.
    my %values = map { $_ => [] } @SIGNED_HEADERS;
    for my $pair (@{ $request->{headers} }) {
        my ($name, $value) = @$pair;
        $name =~ tr/A-Z/a-z/;    # ASCII only: Perl's lc() would also fold e.g. U+212A KELVIN SIGN to "k"
        next unless exists $values{$name};
        $value =~ s/\A[ \t]+|[ \t]+\z//g;    # not \s, which also matches VT, FF, CR (and NBSP in Unicode strings)
        push @{ $values{$name} }, $value;
    }

    # FV-16, the verification order; stop at the first failure.
    for my $name (@SIGNED_HEADERS) {                                          # step 1
        return rejected('missing-header') if @{ $values{$name} } == 0;
    }
    for my $name (@SIGNED_HEADERS) {                                          # step 2, FV-4
        return rejected('duplicate-header') if @{ $values{$name} } > 1;
    }
    my ($api_key, $request_id, $timestamp, $auth_type, $authorization) =
        map { $values{$_}[0] } @SIGNED_HEADERS;

    return rejected('bad-auth-type') unless $auth_type eq 'HMAC';             # step 3
    my $malformed = field_problem($api_key, $request_id, $timestamp);         # steps 4-6, FV-5..7
    return rejected($malformed) if defined $malformed;

    # FV-14: inclusive window. At most 16 digits, so the value fits Perl's 64-bit integers exactly.
    my ($now, $window) = ($in->{now_ms}, $in->{window_ms});
    return rejected('stale')  if $now - $timestamp > $window;                 # step 7
    return rejected('future') if $timestamp - $now > $window;                 # step 8

    my ($key) = grep { $_->{api_key} eq $api_key } @{ $in->{keys} };          # step 9
    return rejected('unknown-api-key') unless $key;

    my $expected = hmac($key->{algorithm}, decode_base64($key->{secret}),     # FV-8, FV-9
        string_to_sign($api_key, $request_id, $timestamp, decode_base64($request->{body})));
    my $received = decode_signature($authorization, length($expected), $in->{legacy_hex_base64});
    return rejected('malformed-signature') unless defined $received;         # step 10
    return rejected('signature-mismatch')                                     # step 11, FV-13
        unless equal_constant_time($received, $expected);

    # Step 12, FV-15: byte-for-byte, case-sensitive comparison with the remembered ids.
    return rejected('replay') if grep { $_ eq $request_id } @{ $in->{seen_request_ids} };
    return { valid => JSON::PP::true };
}

# ---------------------------------------------------------------------------------------------------------
# The protocol loop (docs/protocol.md)
# ---------------------------------------------------------------------------------------------------------

my %OPERATIONS = (
    'hmac/mac'               => \&op_mac,
    'hmac/mac-verify'        => \&op_mac_verify,
    'firstvision/sign'       => \&op_sign,
    'firstvision/verify'     => \&op_verify,
);

my %HELLO = (
    type           => 'hello',
    protocol       => 1,
    implementation => { name => 'hmac-conformance-perl-example', version => '1.0.0', language => 'perl' },
    supports       => {
        hmac        => { operations => [ 'mac', 'mac-verify' ], algorithms => \@HMAC_ALGORITHMS },
        firstvision => { operations => [ 'sign', 'verify' ], algorithms => \@FV_ALGORITHMS,
                         legacy_hex_base64 => JSON::PP::true },
    },
);

sub answer_case ($message) {
    my %result = (type => 'result', seq => 0 + $message->{seq});    # 0 + : emit seq as a JSON number
    my $operation = $OPERATIONS{"$message->{scheme}/$message->{operation}"};
    if (!$operation) {
        $result{error} = { message => "unsupported operation $message->{scheme}/$message->{operation}" };
        return \%result;
    }
    my $output = eval { $operation->($message->{input}) };
    if (defined $output) {
        $result{output} = $output;
    } elsif (ref $@ eq 'Unsupported') {
        $result{skip} = { reason => $@->{reason} };
    } else {
        (my $error = "$@") =~ s/\s+\z//;
        $result{error} = { message => $error };
    }
    return \%result;
}

while (my $line = <STDIN>) {
    next unless $line =~ /\S/;
    my $message = eval { $JSON->decode($line) };
    if (ref $message ne 'HASH') {
        print STDERR "perl adapter: ignoring a line that is not a JSON object: $line";
        next;
    }
    my $type = $message->{type} // '';
    if ($type eq 'hello') {
        print $JSON->encode(\%HELLO), "\n";
    } elsif ($type eq 'case') {
        print $JSON->encode(answer_case($message)), "\n";
    } elsif ($type eq 'stop') {
        last;
    } else {
        print STDERR "perl adapter: ignoring a message of type '$type'\n";
    }
}
exit 0;
