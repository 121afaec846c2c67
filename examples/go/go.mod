module example.invalid/hmac-conformance-adapter

go 1.26
