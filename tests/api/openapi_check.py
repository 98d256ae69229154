"""Checks HTTP exchanges against the OpenAPI document (openapi/openapi.json),
with the Python standard library only.

    doc = openapi_check.document()
    problems = doc.check_exchange("GET", "/api/v1/freelance/jobs/1", {}, None,
                                  200, headers, body)

An exchange passes when its operation is in the document, its status is one
the operation documents, every response header is declared for that status
(transport headers aside) and each required one is present, and the body
matches the declared media type and schema. A request that succeeded (2xx)
must itself match the document: only documented query parameters, path
parameters and a body that fit their schemas, and a bearer token where the
operation requires one. A path the document does not know must get the 404
of an unknown route; a method it does not know for a known path, the 405
with an Allow header that lists the documented methods.

The schema validator covers the subset of JSON Schema 2020-12 the document
uses (type with null unions, properties, required, additionalProperties,
items, enum, const, minimum, maximum, minLength, maxLength, minItems,
maxItems, pattern, format date-time and int64, $ref, oneOf, anyOf, allOf).
unsupported_keywords() lists any other keyword the document uses, so that a
keyword is never silently ignored. One deliberate narrowing: "integer"
accepts JSON integers only, not 5.0, since the server never writes a count
or an id as a real.
"""
import datetime
import gzip
import json
import os
import re
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_PATH = os.path.join(os.path.dirname(os.path.dirname(HERE)),
                            "openapi", "openapi.json")

SUPPORTED = {
    "type", "properties", "required", "additionalProperties", "items",
    "enum", "const", "minimum", "maximum", "minLength", "maxLength",
    "minItems", "maxItems", "pattern", "format", "$ref", "oneOf", "anyOf",
    "allOf",
}
ANNOTATIONS = {
    "description", "title", "examples", "example", "default", "deprecated",
    "readOnly", "writeOnly", "$comment",
}
FORMATS = {"date-time", "int64"}

# Headers of the HTTP exchange itself, which OpenAPI does not describe
# (Vary goes with content negotiation: any large answer may be gzipped).
TRANSPORT_HEADERS = {
    "date", "content-type", "content-length", "connection",
    "transfer-encoding", "keep-alive", "content-encoding", "vary",
}

INT64_MIN, INT64_MAX = -(1 << 63), (1 << 63) - 1
DATE_TIME = re.compile(r"^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})"
                       r"(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$")
POSITIVE_ID = re.compile(r"^[1-9][0-9]{0,18}$")
HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch",
                "trace")


def _json_type(v):
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "boolean"
    if isinstance(v, int):
        return "integer"
    if isinstance(v, float):
        return "number"
    if isinstance(v, str):
        return "string"
    if isinstance(v, list):
        return "array"
    if isinstance(v, dict):
        return "object"
    return type(v).__name__


def _type_ok(v, t):
    jt = _json_type(v)
    return jt == t or (t == "number" and jt == "integer")


def _json_equal(a, b):
    """Equality as JSON sees it: true is not 1."""
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a == b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return a == b
    if type(a) is not type(b):
        return False
    if isinstance(a, list):
        return len(a) == len(b) and all(_json_equal(x, y) for x, y in zip(a, b))
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_json_equal(a[k], b[k]) for k in a)
    return a == b


def _date_time_ok(s):
    m = DATE_TIME.match(s)
    if not m:
        return False
    try:
        datetime.datetime(int(m.group(1)), int(m.group(2)), int(m.group(3)),
                          int(m.group(4)), int(m.group(5)),
                          min(int(m.group(6)), 59))
    except ValueError:
        return False
    return int(m.group(6)) <= 60


def _short(v, n=160):
    s = json.dumps(v, ensure_ascii=False) if not isinstance(v, str) else repr(v)
    return s if len(s) <= n else s[:n] + "..."


class Match:
    """Where a request lands in the document: kind is "operation",
    "unknown_path" or "unknown_method"."""

    def __init__(self, kind, template=None, operation=None, path_item=None,
                 params=None, allowed=None):
        self.kind = kind
        self.template = template
        self.operation = operation
        self.path_item = path_item
        self.params = params or {}
        self.allowed = allowed or set()


class Document:
    def __init__(self, path=None):
        self.path = path or os.environ.get("FH_OPENAPI", DEFAULT_PATH)
        with open(self.path, encoding="utf-8") as f:
            self.doc = json.load(f)
        self._patterns = {}
        default_base = self.doc["servers"][0]["url"]
        self.templates = []  # (segments of the full path, template, item)
        for template, item in self.doc["paths"].items():
            base = item.get("servers", [{"url": default_base}])[0]["url"]
            full = base.rstrip("/") + template
            self.templates.append((full.split("/")[1:], template, item))

    # ---- references and schemas ----

    def resolve(self, obj):
        """Follows $ref (local references only) until a plain object."""
        seen = 0
        while isinstance(obj, dict) and "$ref" in obj:
            ref = obj["$ref"]
            if not ref.startswith("#/"):
                raise ValueError("only local references are supported: " + ref)
            node = self.doc
            for part in ref[2:].split("/"):
                node = node[part.replace("~1", "/").replace("~0", "~")]
            obj = node
            seen += 1
            if seen > 32:
                raise ValueError("reference loop at " + ref)
        return obj

    def schema(self, name):
        return self.doc["components"]["schemas"][name]

    def _pattern(self, p):
        if p not in self._patterns:
            self._patterns[p] = re.compile(p)
        return self._patterns[p]

    def validate(self, value, schema, where="$"):
        """Problems of value against schema, as a list of strings."""
        out = []
        self._validate(value, schema, where, out)
        return out

    def _validate(self, v, s, where, out):
        if s is True or s == {}:
            return
        if s is False:
            out.append("%s: no value is allowed here" % where)
            return
        if "$ref" in s:
            self._validate(v, self.resolve({"$ref": s["$ref"]}), where, out)
        types = s.get("type")
        if types is not None:
            tl = types if isinstance(types, list) else [types]
            if not any(_type_ok(v, t) for t in tl):
                out.append("%s: %s is %s, not %s" % (where, _short(v), _json_type(v),
                                                     " or ".join(tl)))
                return
        if "const" in s and not _json_equal(v, s["const"]):
            out.append("%s: %s is not %s" % (where, _short(v), _short(s["const"])))
        if "enum" in s and not any(_json_equal(v, e) for e in s["enum"]):
            out.append("%s: %s is not one of %s" % (where, _short(v), _short(s["enum"])))
        if isinstance(v, (int, float)) and not isinstance(v, bool):
            if "minimum" in s and v < s["minimum"]:
                out.append("%s: %r is below the minimum %r" % (where, v, s["minimum"]))
            if "maximum" in s and v > s["maximum"]:
                out.append("%s: %r is above the maximum %r" % (where, v, s["maximum"]))
            if s.get("format") == "int64" and not (
                    isinstance(v, int) and INT64_MIN <= v <= INT64_MAX):
                out.append("%s: %r is not a 64-bit integer" % (where, v))
        if isinstance(v, str):
            if "minLength" in s and len(v) < s["minLength"]:
                out.append("%s: %s is shorter than %d characters" % (where, _short(v), s["minLength"]))
            if "maxLength" in s and len(v) > s["maxLength"]:
                out.append("%s: %s is longer than %d characters" % (where, _short(v), s["maxLength"]))
            if "pattern" in s and not self._pattern(s["pattern"]).search(v):
                out.append("%s: %s does not match %s" % (where, _short(v), s["pattern"]))
            if s.get("format") == "date-time" and not _date_time_ok(v):
                out.append("%s: %s is not an RFC 3339 date-time" % (where, _short(v)))
        if isinstance(v, list):
            if "minItems" in s and len(v) < s["minItems"]:
                out.append("%s: %d items, fewer than %d" % (where, len(v), s["minItems"]))
            if "maxItems" in s and len(v) > s["maxItems"]:
                out.append("%s: %d items, more than %d" % (where, len(v), s["maxItems"]))
            if "items" in s:
                for i, item in enumerate(v):
                    self._validate(item, s["items"], "%s[%d]" % (where, i), out)
        if isinstance(v, dict):
            props = s.get("properties", {})
            for name in s.get("required", []):
                if name not in v:
                    out.append("%s: the member %r is missing" % (where, name))
            extra = s.get("additionalProperties", True)
            for name, member in v.items():
                sub = "%s.%s" % (where, name)
                if name in props:
                    self._validate(member, props[name], sub, out)
                elif extra is False:
                    out.append("%s: the member %r is not in the document" % (where, name))
                elif isinstance(extra, dict):
                    self._validate(member, extra, sub, out)
        for branch in s.get("allOf", []):
            self._validate(v, branch, where, out)
        if "anyOf" in s:
            if not any(not self.validate(v, b, where) for b in s["anyOf"]):
                out.append("%s: %s matches none of anyOf" % (where, _short(v)))
        if "oneOf" in s:
            fits = [b for b in s["oneOf"] if not self.validate(v, b, where)]
            if len(fits) != 1:
                out.append("%s: %s matches %d of oneOf, not exactly 1" %
                           (where, _short(v), len(fits)))

    def unsupported_keywords(self):
        """Schema keywords (and formats) the document uses that validate()
        does not implement, as "where: keyword" strings."""
        found = []

        def walk_schema(s, where):
            if not isinstance(s, dict):
                return
            for k, v in s.items():
                if k.startswith("x-"):
                    continue
                if k not in SUPPORTED and k not in ANNOTATIONS:
                    found.append("%s: %s" % (where, k))
                if k == "format" and v not in FORMATS:
                    found.append("%s: format %s" % (where, v))
            for k in ("items", "additionalProperties"):
                walk_schema(s.get(k), where + "/" + k)
            for k, sub in s.get("properties", {}).items():
                walk_schema(sub, "%s/properties/%s" % (where, k))
            for k in ("oneOf", "anyOf", "allOf"):
                for i, sub in enumerate(s.get(k, [])):
                    walk_schema(sub, "%s/%s/%d" % (where, k, i))

        def walk(node, where):
            if isinstance(node, dict):
                for k, v in node.items():
                    if k == "schema":
                        walk_schema(v, where + "/schema")
                    elif k not in ("examples", "example"):
                        walk(v, where + "/" + k)
            elif isinstance(node, list):
                for i, v in enumerate(node):
                    walk(v, "%s/%d" % (where, i))

        for name, s in self.doc.get("components", {}).get("schemas", {}).items():
            walk_schema(s, "#/components/schemas/" + name)
        walk(self.doc.get("paths", {}), "#/paths")
        walk({k: v for k, v in self.doc.get("components", {}).items()
              if k != "schemas"}, "#/components")
        return found

    # ---- operations ----

    def operations(self):
        """(method, template, operation, path item) for every operation."""
        for template, item in self.doc["paths"].items():
            for m in HTTP_METHODS:
                if m in item:
                    yield m.upper(), template, item[m], item

    def match(self, method, path):
        """Finds the operation for method and the URL path (no query), as
        the server's router does: literal segments before parameters, and a
        template whose parameters are positive integers before one whose
        parameters are not."""
        segs = path.split("/")[1:]
        clean, dirty = [], []
        for tsegs, template, item in self.templates:
            if len(tsegs) != len(segs):
                continue
            params, ok, bad = {}, True, False
            for t, p in zip(tsegs, segs):
                if t.startswith("{") and t.endswith("}"):
                    if p == "":
                        ok = False
                        break
                    params[t[1:-1]] = p
                    bad = bad or not POSITIVE_ID.match(p) or int(p) > INT64_MAX
                elif t != p:
                    ok = False
                    break
            if ok:
                (dirty if bad else clean).append((template, item, params))
        candidates = clean or dirty
        if not candidates:
            return Match("unknown_path")
        want = "get" if method == "HEAD" else method.lower()
        allowed = set()
        for template, item, params in candidates:
            if want in item:
                return Match("operation", template, item[want], item, params)
            allowed.update(m.upper() for m in HTTP_METHODS if m in item)
        if "GET" in allowed:
            allowed.add("HEAD")
        return Match("unknown_method", allowed=allowed)

    # ---- exchanges ----

    def _parameters(self, op, item):
        params = {}
        for p in item.get("parameters", []) + op.get("parameters", []):
            p = self.resolve(p)
            params[(p["in"], p["name"])] = p
        return params

    @staticmethod
    def _coerce(text, schema):
        """A query or path value as the type its schema names, or the text
        when it does not convert (the schema check then reports it)."""
        types = schema.get("type")
        tl = types if isinstance(types, list) else [types]
        try:
            if "integer" in tl and re.match(r"^[+-]?[0-9]+$", text):
                return int(text)
            if "number" in tl and re.match(r"^[+-]?[0-9]+(\.[0-9]+)?$", text):
                return float(text)
        except ValueError:
            pass
        return text

    def _check_headers(self, response, headers, out):
        declared = {k.lower(): self.resolve(v)
                    for k, v in response.get("headers", {}).items()}
        for name, value in headers.items():
            name = name.lower()
            if name in TRANSPORT_HEADERS:
                continue
            if name not in declared:
                out.append("the header %s is not declared for this response" % name)
                continue
            schema = self.resolve(declared[name].get("schema", {}))
            value = self._coerce(value, schema)
            out.extend(self.validate(value, schema, "header " + name))
        for name, h in declared.items():
            if h.get("required") and name not in headers:
                out.append("the required header %s is missing" % name)

    def _check_body(self, method, status, response, headers, body, out):
        content = response.get("content")
        if method == "HEAD" or status == 304 or not content:
            if body:
                out.append("a body (%d bytes) where the document has none" % len(body))
            return
        ctype = (headers.get("content-type") or "").split(";")[0].strip().lower()
        media = content.get(ctype)
        if media is None:
            out.append("Content-Type %r is not one of %s" % (ctype, sorted(content)))
            return
        if (headers.get("content-encoding") or "").lower() == "gzip":
            body = gzip.decompress(body)
        schema = media.get("schema", {})
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            out.append("the body is not UTF-8")
            return
        if ctype == "application/json" or ctype.endswith("+json"):
            try:
                value = json.loads(text)
            except ValueError as e:
                out.append("the body is not JSON: %s" % e)
                return
        else:
            value = text
        out.extend(self.validate(value, schema, "body"))

    def _check_request(self, op, item, match, query, req_headers, req_body, out):
        params = self._parameters(op, item)
        for name, value in match.params.items():
            p = params.get(("path", name))
            if p is None:
                out.append("the path parameter %s is not documented" % name)
                continue
            schema = self.resolve(p.get("schema", {}))
            out.extend(self.validate(self._coerce(urllib.parse.unquote(value), schema),
                                     schema, "path parameter " + name))
        seen = set()
        for name, value in query:
            p = params.get(("query", name))
            if p is None:
                out.append("the server accepted the query parameter %r, which "
                           "the document does not list" % name)
                continue
            if name in seen:
                out.append("the server accepted %r given twice" % name)
            seen.add(name)
            schema = self.resolve(p.get("schema", {}))
            out.extend(self.validate(self._coerce(value, schema), schema,
                                     "query parameter " + name))
        for (where, name), p in params.items():
            if where == "query" and p.get("required") and name not in seen:
                out.append("the required query parameter %s was not sent" % name)
        rb = self.resolve(op.get("requestBody")) if "requestBody" in op else None
        if req_body:
            if rb is None:
                out.append("the server accepted a body the document does not describe")
            else:
                ctype = (req_headers.get("Content-Type") or req_headers.get("content-type")
                         or "").split(";")[0].strip().lower()
                media = rb.get("content", {}).get(ctype)
                if media is None:
                    out.append("the server accepted a body of type %r" % ctype)
                else:
                    try:
                        value = json.loads(req_body)
                    except ValueError as e:
                        out.append("the server accepted a body that is not JSON: %s" % e)
                    else:
                        out.extend(self.validate(value, media.get("schema", {}),
                                                 "request body"))
        elif rb is not None and rb.get("required"):
            out.append("the server accepted no body where the document requires one")
        security = op.get("security", self.doc.get("security", []))
        anonymous_ok = not security or any(not req for req in security)
        has_auth = any(k.lower() == "authorization" for k in req_headers)
        if not anonymous_ok and not has_auth:
            out.append("the server answered without a caller where the "
                       "document requires a bearer token")

    def _check_refusal(self, method, match, status, headers, body, out):
        """An unknown path or method: the 404 or 405 of the router, or the
        413/400 that a body's framing gets before routing matters."""
        base = self.resolve({"$ref": "#/components/responses/NotFound"})
        if match.kind == "unknown_path":
            expected, code = 404, "not_found"
        else:
            expected, code = 405, "method_not_allowed"
        if status not in (expected, 400, 413):
            out.append("status %d for an unknown %s (expected %d)" %
                       (status, "path" if expected == 404 else "method", expected))
            return
        hdrs = dict(headers)
        if expected == 405 and status == 405:
            allow = {m.strip() for m in (hdrs.pop("allow", "") or "").split(",") if m.strip()}
            if allow != match.allowed:
                out.append("Allow lists %s; the document has %s" %
                           (sorted(allow), sorted(match.allowed)))
        self._check_headers(base, hdrs, out)
        if method == "HEAD":
            if body:
                out.append("a body in the answer to HEAD")
            return
        try:
            value = json.loads(body)
        except ValueError:
            out.append("the refusal's body is not JSON")
            return
        name = {400: "ErrorMalformed", 413: "ErrorPayloadTooLarge"}.get(status, "ErrorNotFound")
        schema = self.schema(name)
        if status == 405:
            # The error of a 404 with the code of a 405: the document has no
            # operation to hang a 405 on.
            schema = json.loads(json.dumps(schema))
            schema["properties"]["error"]["properties"]["code"] = {
                "type": "string", "const": code}
        out.extend(self.validate(value, schema, "body"))

    def check_exchange(self, method, target, req_headers, req_body, status,
                       headers, body):
        """Problems of one request and its response. target is the URL path
        with its query; headers are the response's, names in lower case."""
        parts = urllib.parse.urlsplit(target)
        query = urllib.parse.parse_qsl(parts.query, keep_blank_values=True)
        headers = {k.lower(): v for k, v in headers.items()}
        match = self.match(method, parts.path)
        out = []
        if match.kind != "operation":
            self._check_refusal(method, match, status, headers, body, out)
            return out
        op = match.operation
        where = "%s %s" % (method, match.template)
        responses = op["responses"]
        key = str(status)
        if key not in responses:
            key = "%dXX" % (status // 100)
        if key not in responses:
            key = "default"
        if key not in responses:
            return ["%s: status %d is not documented (it has %s)" %
                    (where, status, ", ".join(sorted(responses)))]
        response = self.resolve(responses[key])
        self._check_headers(response, headers, out)
        self._check_body(method, status, response, headers, body, out)
        if 200 <= status < 300:
            self._check_request(op, match.path_item, match, query, req_headers,
                                req_body, out)
        return ["%s %d: %s" % (where, status, p) for p in out]


_document = None


def document():
    """The document, loaded once."""
    global _document
    if _document is None:
        _document = Document()
    return _document


def enabled():
    """Whether the harness checks every exchange (FH_OPENAPI_CHECK=0 turns it
    off, for debugging only)."""
    return os.environ.get("FH_OPENAPI_CHECK", "1") != "0"
