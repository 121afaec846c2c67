module hmac-conformance/thirdparty/sigv4/go-aws-sdk-v2

go 1.26.8

require (
	github.com/aws/aws-sdk-go-v2 v1.48.0
	github.com/aws/smithy-go v1.28.9
)
