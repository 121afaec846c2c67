/* The strict composer of hmac_conformance._yamlsafe over libyaml's events, in C: the same values and the same
 * positions, built without a Python object per event. It answers only for a file the Python composer would
 * accept: at anything that composer refuses or treats specially (a parse error, an anchor, an alias, a tag, a key
 * that is not a string, a merge key, a duplicate key, a second document, too many values, too deep a nesting, an
 * empty file, a plain scalar its resolver refuses) it returns None, and the caller composes the file in Python,
 * which raises the error with its usual words. So every error, and its line, still comes from one place. */

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <yaml.h>

typedef struct {
    PyObject *container; /* the mapping or list being filled (NULL at the root) */
    int is_dict;
    PyObject *pending;   /* a mapping's key whose value comes next, or NULL */
    PyObject *path;      /* the container's JSON path, a tuple */
    int record;          /* whether its items' positions are recorded */
} Frame;

static void frame_clear(Frame *f) {
    Py_CLEAR(f->container);
    Py_CLEAR(f->pending);
    Py_CLEAR(f->path);
}

/* (*path, item) as a new tuple */
static PyObject *path_with(PyObject *path, PyObject *item) {
    Py_ssize_t n = PyTuple_GET_SIZE(path);
    PyObject *out = PyTuple_New(n + 1);
    if (out == NULL) return NULL;
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *part = PyTuple_GET_ITEM(path, i);
        Py_INCREF(part);
        PyTuple_SET_ITEM(out, i, part);
    }
    Py_INCREF(item);
    PyTuple_SET_ITEM(out, n, item);
    return out;
}

/* marks[at] = (line + 1, column + 1); steals nothing */
static int set_mark(PyObject *marks, PyObject *at, yaml_mark_t mark) {
    PyObject *where = Py_BuildValue("(nn)", (Py_ssize_t)mark.line + 1, (Py_ssize_t)mark.column + 1);
    if (where == NULL) return -1;
    int rc = PyDict_SetItem(marks, at, where);
    Py_DECREF(where);
    return rc;
}

/* marks[(*path, item)] = mark */
static int set_item_mark(PyObject *marks, PyObject *path, PyObject *item, yaml_mark_t mark) {
    PyObject *at = path_with(path, item);
    if (at == NULL) return -1;
    int rc = set_mark(marks, at, mark);
    Py_DECREF(at);
    return rc;
}

/* Plain text at most this long (in bytes) is interned: keys, tags, names of algorithms and operations. */
#define SHARED_TEXT 64

/* compose(text, limit, max_depth, max_nodes, plain_value, typed_first) -> (value, marks) or None
 * typed_first: the ASCII characters that may begin a plain scalar of another type than text (the resolver's
 * implicit types: numbers, booleans, null...), or None (then every plain scalar goes to plain_value). A plain
 * scalar that begins otherwise is text, and is composed without calling plain_value. */
static PyObject *compose(PyObject *self, PyObject *args) {
    (void)self;
    const char *text;
    Py_ssize_t size, limit, max_depth, max_nodes;
    PyObject *plain_value, *typed_first;
    if (!PyArg_ParseTuple(args, "s#nnnOO:compose", &text, &size, &limit, &max_depth, &max_nodes, &plain_value,
                          &typed_first))
        return NULL;
    char maybe_typed[256];
    if (typed_first == Py_None) {
        memset(maybe_typed, 1, sizeof maybe_typed);
    } else if (PyBytes_Check(typed_first)) {
        memset(maybe_typed, 0, 128);
        memset(maybe_typed + 128, 1, 128); /* a character beyond ASCII: the resolver is asked */
        const unsigned char *first = (const unsigned char *)PyBytes_AS_STRING(typed_first);
        for (Py_ssize_t i = 0; i < PyBytes_GET_SIZE(typed_first); i++) maybe_typed[first[i]] = 1;
    } else {
        PyErr_SetString(PyExc_TypeError, "typed_first must be bytes or None");
        return NULL;
    }
    if (max_depth < 0 || max_depth > 1024) {
        PyErr_SetString(PyExc_ValueError, "max_depth must be 0..1024");
        return NULL;
    }
    Frame *enclosing = PyMem_Calloc((size_t)max_depth + 1, sizeof(Frame));
    if (enclosing == NULL) return PyErr_NoMemory();
    Py_ssize_t depth = 0, nodes = 0;
    Frame top = {NULL, 0, NULL, NULL, 0};
    PyObject *root = NULL, *marks = NULL, *result = NULL, *empty = NULL;
    int failed = 0; /* a Python error is set (out of memory): raise it, do not answer None */
    yaml_parser_t parser;
    yaml_event_t event;
    int have_event = 0;

    if (!yaml_parser_initialize(&parser)) {
        PyMem_Free(enclosing);
        return PyErr_NoMemory();
    }
    yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING);
    yaml_parser_set_input_string(&parser, (const unsigned char *)text, (size_t)size);
    marks = PyDict_New();
    empty = PyTuple_New(0);
    if (marks == NULL || empty == NULL) { failed = 1; goto done; }
    top.path = empty;
    Py_INCREF(empty);

    for (;;) {
        if (!yaml_parser_parse(&parser, &event)) goto done; /* a parse error: the Python composer words it */
        have_event = 1;
        yaml_event_type_t kind = event.type;
        if (kind == YAML_STREAM_END_EVENT) break;
        if (kind == YAML_MAPPING_END_EVENT || kind == YAML_SEQUENCE_END_EVENT) {
            if (depth == 0) goto done; /* cannot happen in a well-formed event stream */
            frame_clear(&top);
            top = enclosing[--depth];
            memset(&enclosing[depth], 0, sizeof(Frame));
        } else if (kind == YAML_ALIAS_EVENT) {
            goto done;
        } else if (kind == YAML_SCALAR_EVENT) {
            if (event.data.scalar.anchor != NULL || event.data.scalar.tag != NULL) goto done;
            if (++nodes > max_nodes) goto done;
            PyObject *value = PyUnicode_DecodeUTF8((const char *)event.data.scalar.value,
                                                   (Py_ssize_t)event.data.scalar.length, "strict");
            if (value == NULL) { PyErr_Clear(); goto done; }
            if (event.data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
                (event.data.scalar.length == 0 || maybe_typed[event.data.scalar.value[0]])) {
                PyObject *typed = PyObject_CallOneArg(plain_value, value);
                Py_DECREF(value);
                if (typed == NULL) { PyErr_Clear(); goto done; } /* the resolver refused it: Python words why */
                value = typed;
            } else if (event.data.scalar.style == YAML_PLAIN_SCALAR_STYLE && event.data.scalar.length <= SHARED_TEXT) {
                /* Text composed here is one object per occurrence: a key or a tag repeated in every vector would be
                 * held (and pickled) once per vector. The resolver's cache shared them; interning shares them. */
                PyUnicode_InternInPlace(&value);
            }
            if (top.container != NULL && top.is_dict) {
                if (top.pending != NULL) {
                    int rc = PyDict_SetItem(top.container, top.pending, value);
                    Py_DECREF(value);
                    Py_CLEAR(top.pending);
                    if (rc < 0) { failed = 1; goto done; }
                } else {
                    /* a key: only a plain string is composed here; "<<" and a duplicate are refused in Python */
                    if (!PyUnicode_CheckExact(value) || PyUnicode_CompareWithASCIIString(value, "<<") == 0) {
                        Py_DECREF(value);
                        goto done;
                    }
                    int seen = PyDict_Contains(top.container, value);
                    if (seen != 0) {
                        Py_DECREF(value);
                        if (seen < 0) failed = 1;
                        goto done;
                    }
                    top.pending = value;
                    if (top.record && set_item_mark(marks, top.path, value, event.start_mark) < 0) {
                        failed = 1;
                        goto done;
                    }
                }
            } else if (top.container != NULL) {
                if (top.record) {
                    PyObject *index = PyLong_FromSsize_t(PyList_GET_SIZE(top.container));
                    int rc = index == NULL ? -1 : set_item_mark(marks, top.path, index, event.start_mark);
                    Py_XDECREF(index);
                    if (rc < 0) { Py_DECREF(value); failed = 1; goto done; }
                }
                int rc = PyList_Append(top.container, value);
                Py_DECREF(value);
                if (rc < 0) { failed = 1; goto done; }
            } else {
                if (root != NULL) { Py_DECREF(value); goto done; } /* a second document */
                root = value;
                if (set_mark(marks, empty, event.start_mark) < 0) { failed = 1; goto done; }
            }
        } else if (kind == YAML_MAPPING_START_EVENT || kind == YAML_SEQUENCE_START_EVENT) {
            int is_dict = kind == YAML_MAPPING_START_EVENT;
            yaml_char_t *anchor = is_dict ? event.data.mapping_start.anchor : event.data.sequence_start.anchor;
            yaml_char_t *tag = is_dict ? event.data.mapping_start.tag : event.data.sequence_start.tag;
            if (anchor != NULL || tag != NULL) goto done;
            if (++nodes > max_nodes) goto done;
            if (depth >= max_depth) goto done;
            if (top.container != NULL && top.is_dict && top.pending == NULL) goto done; /* a key that is a collection */
            if (top.container == NULL && root != NULL) goto done; /* a second document */
            PyObject *container = is_dict ? PyDict_New() : PyList_New(0);
            if (container == NULL) { failed = 1; goto done; }
            PyObject *path_of;
            if (top.container != NULL && top.is_dict) {
                path_of = path_with(top.path, top.pending);
                if (path_of == NULL || PyDict_SetItem(top.container, top.pending, container) < 0) {
                    Py_XDECREF(path_of);
                    Py_DECREF(container);
                    failed = 1;
                    goto done;
                }
                Py_CLEAR(top.pending);
            } else if (top.container != NULL) {
                PyObject *index = PyLong_FromSsize_t(PyList_GET_SIZE(top.container));
                path_of = index == NULL ? NULL : path_with(top.path, index);
                Py_XDECREF(index);
                if (path_of == NULL || (top.record && set_mark(marks, path_of, event.start_mark) < 0) ||
                    PyList_Append(top.container, container) < 0) {
                    Py_XDECREF(path_of);
                    Py_DECREF(container);
                    failed = 1;
                    goto done;
                }
            } else {
                root = container;
                Py_INCREF(root);
                path_of = empty;
                Py_INCREF(path_of);
                if (set_mark(marks, empty, event.start_mark) < 0) {
                    Py_DECREF(path_of);
                    Py_DECREF(container);
                    failed = 1;
                    goto done;
                }
            }
            enclosing[depth++] = top;
            top.container = container; /* owned: the parent (or root) holds its own reference */
            top.is_dict = is_dict;
            top.pending = NULL;
            top.path = path_of;
            top.record = PyTuple_GET_SIZE(path_of) < limit;
        }
        /* stream and document boundaries: nothing to compose */
        yaml_event_delete(&event);
        have_event = 0;
    }
    if (root != NULL) { /* else an empty file: the Python composer says so */
        result = Py_BuildValue("(OO)", root, marks);
        if (result == NULL) failed = 1;
    }

done:
    if (have_event) yaml_event_delete(&event);
    yaml_parser_delete(&parser);
    frame_clear(&top);
    for (Py_ssize_t i = 0; i < depth; i++) frame_clear(&enclosing[i]);
    PyMem_Free(enclosing);
    Py_XDECREF(root);
    Py_XDECREF(marks);
    Py_XDECREF(empty);
    if (failed) {
        Py_XDECREF(result);
        if (!PyErr_Occurred()) PyErr_NoMemory();
        return NULL;
    }
    if (result == NULL) Py_RETURN_NONE;
    return result;
}

static PyMethodDef methods[] = {
    {"compose", compose, METH_VARARGS,
     "compose(text, limit, max_depth, max_nodes, plain_value, typed_first) -> (value, marks), or None where the "
     "strict Python "
     "composer must answer (it refuses the file, or treats it specially)."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "_hmac_conformance_native", "hmac-conformance's strict YAML composer in C, over libyaml.",
    -1, methods, NULL, NULL, NULL, NULL,
};

PyMODINIT_FUNC PyInit__hmac_conformance_native(void) {
    PyObject *m = PyModule_Create(&module);
    if (m == NULL) return NULL;
    if (PyModule_AddStringConstant(m, "LIBYAML_VERSION", yaml_get_version_string()) < 0) {
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
