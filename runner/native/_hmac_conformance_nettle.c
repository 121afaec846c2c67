/* GNU Nettle's HMAC and hashes for the schemes' cross-checks (hmac_conformance.schemes.hmac.crosscheck): thin
 * glue that names each algorithm as the suite does and hands the bytes to Nettle. Nothing is computed here: every
 * hash and the HMAC construction (its key padding, and the hashing of a key longer than a block) are Nettle's.
 * Nettle shares no code with OpenSSL, which the references use through Python's hmac and hashlib, and a call
 * costs 0.5-2 microseconds where PyCryptodome's, the other independent implementation, costs 17-19. */

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <nettle/hmac.h>
#include <nettle/md5.h>
#include <nettle/nettle-meta.h>
#include <nettle/sha1.h>
#include <nettle/sha2.h>
#include <nettle/sha3.h>
#include <nettle/version.h>

/* Room for any listed algorithm's context, aligned as each needs. */
typedef union {
    struct md5_ctx md5;
    struct sha1_ctx sha1;
    struct sha256_ctx sha256;
    struct sha512_ctx sha512;
    struct sha3_224_ctx sha3_224;
    struct sha3_256_ctx sha3_256;
    struct sha3_384_ctx sha3_384;
    struct sha3_512_ctx sha3_512;
} any_ctx;

/* Room for any listed algorithm's digest (SHA-512's is the longest). */
#define MAX_DIGEST_SIZE SHA512_DIGEST_SIZE

/* The suite's names (docs/spec/hmac.md, MAC-3) and Nettle's hashes. */
static const struct {
    const char *name;
    const struct nettle_hash *hash;
} ALGORITHMS[] = {
    {"md5", &nettle_md5},
    {"sha1", &nettle_sha1},
    {"sha224", &nettle_sha224},
    {"sha256", &nettle_sha256},
    {"sha384", &nettle_sha384},
    {"sha512", &nettle_sha512},
    {"sha512-224", &nettle_sha512_224},
    {"sha512-256", &nettle_sha512_256},
    {"sha3-224", &nettle_sha3_224},
    {"sha3-256", &nettle_sha3_256},
    {"sha3-384", &nettle_sha3_384},
    {"sha3-512", &nettle_sha3_512},
};
#define ALGORITHM_COUNT (sizeof ALGORITHMS / sizeof ALGORITHMS[0])

/* Messages at least this long are hashed with the GIL released (a 1 MiB message takes milliseconds). */
#define RELEASE_GIL_AT 65536

/* The hash named `name`, or NULL with KeyError set (as a lookup in PyCryptodome's table raises). */
static const struct nettle_hash *lookup(PyObject *name) {
    if (!PyUnicode_Check(name)) {
        PyErr_Format(PyExc_TypeError, "algorithm must be str, not %.100s", Py_TYPE(name)->tp_name);
        return NULL;
    }
    const char *text = PyUnicode_AsUTF8(name);
    if (text == NULL) return NULL;
    for (size_t i = 0; i < ALGORITHM_COUNT; i++) {
        if (strcmp(text, ALGORITHMS[i].name) == 0) return ALGORITHMS[i].hash;
    }
    PyErr_SetObject(PyExc_KeyError, name);
    return NULL;
}

/* mac(algorithm, key, message) -> bytes: HMAC (RFC 2104) of message under key. */
static PyObject *mac(PyObject *Py_UNUSED(self), PyObject *const *args, Py_ssize_t nargs) {
    if (nargs != 3) {
        PyErr_Format(PyExc_TypeError, "mac() takes 3 arguments (%zd given)", nargs);
        return NULL;
    }
    const struct nettle_hash *hash = lookup(args[0]);
    if (hash == NULL) return NULL;
    Py_buffer key, message;
    if (PyObject_GetBuffer(args[1], &key, PyBUF_SIMPLE) < 0) return NULL;
    if (PyObject_GetBuffer(args[2], &message, PyBUF_SIMPLE) < 0) {
        PyBuffer_Release(&key);
        return NULL;
    }
    any_ctx outer, inner, state;
    uint8_t out[MAX_DIGEST_SIZE];
    int release = message.len >= RELEASE_GIL_AT;
    PyThreadState *saved = release ? PyEval_SaveThread() : NULL;
    hmac_set_key(&outer, &inner, &state, hash, (size_t)key.len, key.buf);
    hmac_update(&state, hash, (size_t)message.len, message.buf);
    hmac_digest(&outer, &inner, &state, hash, hash->digest_size, out);
    if (release) PyEval_RestoreThread(saved);
    PyBuffer_Release(&key);
    PyBuffer_Release(&message);
    return PyBytes_FromStringAndSize((const char *)out, hash->digest_size);
}

/* digest(algorithm, data) -> bytes: the hash of data. */
static PyObject *digest(PyObject *Py_UNUSED(self), PyObject *const *args, Py_ssize_t nargs) {
    if (nargs != 2) {
        PyErr_Format(PyExc_TypeError, "digest() takes 2 arguments (%zd given)", nargs);
        return NULL;
    }
    const struct nettle_hash *hash = lookup(args[0]);
    if (hash == NULL) return NULL;
    Py_buffer data;
    if (PyObject_GetBuffer(args[1], &data, PyBUF_SIMPLE) < 0) return NULL;
    any_ctx ctx;
    uint8_t out[MAX_DIGEST_SIZE];
    int release = data.len >= RELEASE_GIL_AT;
    PyThreadState *saved = release ? PyEval_SaveThread() : NULL;
    hash->init(&ctx);
    hash->update(&ctx, (size_t)data.len, data.buf);
    hash->digest(&ctx, hash->digest_size, out);
    if (release) PyEval_RestoreThread(saved);
    PyBuffer_Release(&data);
    return PyBytes_FromStringAndSize((const char *)out, hash->digest_size);
}

static PyMethodDef methods[] = {
    {"mac", (PyCFunction)(void (*)(void))mac, METH_FASTCALL,
     "mac(algorithm, key, message) -> bytes: Nettle's HMAC of message under key."},
    {"digest", (PyCFunction)(void (*)(void))digest, METH_FASTCALL,
     "digest(algorithm, data) -> bytes: Nettle's hash of data."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "_hmac_conformance_nettle",
    "GNU Nettle's HMAC and hashes, named as hmac-conformance names them: an implementation independent of the "
    "references' OpenSSL, for the schemes' cross-checks.",
    -1, methods, NULL, NULL, NULL, NULL,
};

PyMODINIT_FUNC PyInit__hmac_conformance_nettle(void) {
    for (size_t i = 0; i < ALGORITHM_COUNT; i++) {
        if (ALGORITHMS[i].hash->context_size > sizeof(any_ctx) || ALGORITHMS[i].hash->digest_size > MAX_DIGEST_SIZE) {
            PyErr_Format(PyExc_ImportError, "Nettle's %s context is larger than this build allows", ALGORITHMS[i].name);
            return NULL;
        }
    }
    PyObject *m = PyModule_Create(&module);
    if (m == NULL) return NULL;
    PyObject *names = PyTuple_New(ALGORITHM_COUNT);
    if (names == NULL) goto fail;
    for (size_t i = 0; i < ALGORITHM_COUNT; i++) {
        PyObject *name = PyUnicode_FromString(ALGORITHMS[i].name);
        if (name == NULL) {
            Py_DECREF(names);
            goto fail;
        }
        PyTuple_SET_ITEM(names, i, name);
    }
    if (PyModule_AddObject(m, "ALGORITHMS", names) < 0) {
        Py_DECREF(names);
        goto fail;
    }
    PyObject *version = PyUnicode_FromFormat("%d.%d", nettle_version_major(), nettle_version_minor());
    if (version == NULL) goto fail;
    if (PyModule_AddObject(m, "NETTLE_VERSION", version) < 0) {
        Py_DECREF(version);
        goto fail;
    }
    return m;
fail:
    Py_DECREF(m);
    return NULL;
}
