"""Drive API v3 handlers for the files the emulator holds (spreadsheets, plus plain files and folders
without content), and the ``q`` search language.

``q`` supports ``name = / != / contains``, ``fullText contains``, ``mimeType = / != / contains``,
``modifiedTime`` and ``createdTime`` with ``= != < <= > >=``, ``trashed`` and ``starred`` ``= / !=``,
``'x' in parents|owners|writers|readers`` (``'me'`` is the caller), ``sharedWithMe``, combined with
``and``, ``or``, ``not`` and parentheses; strings in single or double quotes with backslash escapes.
``name contains`` matches word prefixes, case-insensitively, as Drive documents it ("Hello" finds
"Hello World" and "HelloWorld", "World" finds "Hello World" but not "HelloWorld"); a word starts after
whitespace or punctuation (Drive's tokenizer for unspaced scripts such as Thai is not reproduced).
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from collections.abc import Callable
from typing import Any

from .context import Ctx
from .errors import ApiError
from .fields import MaskError, apply_mask, parse_mask
from .store import (
    FOLDER_MIME,
    ROLE_RANK,
    SPREADSHEET_MIME,
    Spreadsheet,
    parse_rfc3339,
    permission_id,
    rfc3339,
)

FILE_DEFAULT_FIELDS = "kind,id,name,mimeType"
LIST_DEFAULT_FIELDS = "kind,nextPageToken,incompleteSearch,files(kind,id,name,mimeType)"
PERMISSION_DEFAULT_FIELDS = "kind,id,type,role"
ROLES = ("owner", "organizer", "fileOrganizer", "writer", "commenter", "reader")


def invalid(location: str, message: str = "Invalid Value") -> ApiError:
    return ApiError(400, message, reason="invalid", location=location)


def file_not_found(file_id: str) -> ApiError:
    return ApiError(404, f"File not found: {file_id}.", reason="notFound", location="fileId")


def insufficient() -> ApiError:
    return ApiError(403, "The user does not have sufficient permissions for this file.",
                    reason="insufficientFilePermissions")


def _user(email: str, caller: str | None) -> dict:
    return {"kind": "drive#user", "displayName": email.split("@")[0], "me": email == caller,
            "permissionId": permission_id(email), "emailAddress": email}


def file_json(ss: Spreadsheet, caller: str | None) -> dict:
    role = ss.role_of(caller)
    rank = ROLE_RANK.get(role or "", 0)
    out: dict[str, Any] = {
        "kind": "drive#file",
        "id": ss.id,
        "name": ss.name,
        "mimeType": ss.mime_type,
        "starred": ss.starred,
        "trashed": ss.trashed,
        "explicitlyTrashed": ss.trashed,
        "parents": list(ss.parents) or ["0AEmulatorRootFolder"],
        "version": str(ss.version),
        "webViewLink": (f"https://docs.google.com/spreadsheets/d/{ss.id}/edit?usp=drivesdk"
                        if ss.mime_type == SPREADSHEET_MIME else f"https://drive.google.com/file/d/{ss.id}/view"),
        "createdTime": rfc3339(ss.created_ms),
        "modifiedTime": rfc3339(ss.modified_ms),
        "owners": [_user(ss.owner, caller)],
        "lastModifyingUser": _user(ss.last_modifying_user, caller),
        "shared": len(ss.permissions) > 1,
        "ownedByMe": ss.owner == caller,
        "capabilities": {
            "canEdit": rank >= ROLE_RANK["writer"], "canShare": rank >= ROLE_RANK["writer"],
            "canRename": rank >= ROLE_RANK["writer"], "canDelete": role == "owner",
            "canTrash": role == "owner", "canCopy": rank >= 1,
        },
    }
    if ss.description is not None:
        out["description"] = ss.description
    if rank >= ROLE_RANK["writer"]:
        out["permissions"] = [permission_json(p) for p in ss.permissions]
    return out


def permission_json(p: dict) -> dict:
    out = {"kind": "drive#permission", "id": p["id"], "type": p["type"]}
    if "emailAddress" in p:
        out["emailAddress"] = p["emailAddress"]
        out["displayName"] = str(p["emailAddress"]).split("@")[0]
    if "domain" in p:
        out["domain"] = p["domain"]
    out["role"] = p["role"]
    out["deleted"] = False
    out["pendingOwner"] = False
    return out


def _masked(ctx: Ctx, obj: dict, default: str) -> dict:
    text = ctx.q("fields") or default
    try:
        return apply_mask(obj, parse_mask(text))
    except MaskError:
        raise invalid("fields", f"Invalid field selection {text}") from None


def _visible(ctx: Ctx, file_id: str) -> Spreadsheet:
    ss = ctx.store.get(file_id)
    if ss is None or ss.role_of(ctx.email) is None:
        raise file_not_found(file_id)
    return ss


# --------------------------------------------------------------------------------------------------
# files
# --------------------------------------------------------------------------------------------------


def files_create(ctx: Ctx) -> tuple[int, dict]:
    body = ctx.json_body()
    mime = body.get("mimeType") or "application/octet-stream"
    name = body.get("name") or ("Untitled spreadsheet" if mime == SPREADSHEET_MIME else "Untitled")
    ss = ctx.store.create(name, ctx.email or "", mime_type=mime)
    ss.parents = [str(p) for p in body.get("parents") or []]
    if body.get("description") is not None:
        ss.description = str(body["description"])
    ss.starred = bool(body.get("starred", False))
    return 200, _masked(ctx, file_json(ss, ctx.email), FILE_DEFAULT_FIELDS)


def files_get(ctx: Ctx) -> tuple[int, dict]:
    ss = _visible(ctx, ctx.params["id"])
    return 200, _masked(ctx, file_json(ss, ctx.email), FILE_DEFAULT_FIELDS)


def files_update(ctx: Ctx) -> tuple[int, dict]:
    ss = _visible(ctx, ctx.params["id"])
    body = ctx.json_body()
    role = ss.role_of(ctx.email)
    if ROLE_RANK.get(role or "", 0) < ROLE_RANK["writer"]:
        raise insufficient()
    if "trashed" in body and role != "owner":
        raise insufficient()
    changed = False
    if "name" in body and body["name"] != ss.name:
        ss.name = str(body["name"])
        changed = True
    if "description" in body:
        ss.description = body["description"]
        changed = True
    if "trashed" in body:
        ss.trashed = bool(body["trashed"])
    if "starred" in body:
        ss.starred = bool(body["starred"])
    for parent in (ctx.q("addParents") or "").split(","):
        if parent and parent not in ss.parents:
            ss.parents.append(parent)
    for parent in (ctx.q("removeParents") or "").split(","):
        if parent in ss.parents:
            ss.parents.remove(parent)
    if changed:
        ctx.store.touch(ss, ctx.email)
    return 200, _masked(ctx, file_json(ss, ctx.email), FILE_DEFAULT_FIELDS)


def files_delete(ctx: Ctx) -> tuple[int, None]:
    ss = _visible(ctx, ctx.params["id"])
    if ss.role_of(ctx.email) != "owner":
        raise insufficient()
    ctx.store.delete(ss.id)
    return 204, None


def files_copy(ctx: Ctx) -> tuple[int, dict]:
    source = _visible(ctx, ctx.params["id"])
    body = ctx.json_body()
    snap = source.snapshot()
    ss = ctx.store.create(body.get("name") or f"Copy of {source.name}", ctx.email or "",
                          mime_type=source.mime_type, sheets=[])
    ss.restore(snap)  # sheets, developer metadata and charts come along
    ss.props["title"] = body.get("name") or f"Copy of {source.name}"
    ss.parents = [str(p) for p in body.get("parents") or source.parents]
    return 200, _masked(ctx, file_json(ss, ctx.email), FILE_DEFAULT_FIELDS)


def files_list(ctx: Ctx) -> tuple[int, dict]:
    q = ctx.q("q") or ""
    try:
        predicate = parse_query(q, ctx.email) if q.strip() else (lambda ss: True)
    except QueryError:
        raise invalid("q") from None
    order = ctx.q("orderBy") or ""
    key_funcs = _order(order)
    try:
        page_size = int(ctx.q("pageSize") or 100)
    except ValueError:
        raise invalid("pageSize") from None
    if not 1 <= page_size <= 1000:
        raise invalid("pageSize", f"Invalid value '{page_size}'. Values must be within the range: [1, 1000]")
    matches = [ss for ss in ctx.store.files.values() if ss.listed_for(ctx.email) and predicate(ss)]
    for key, reverse in reversed(key_funcs):
        matches.sort(key=key, reverse=reverse)
    binding = hashlib.sha1(f"{q}|{order}|{ctx.email}".encode()).hexdigest()[:12]
    offset = 0
    token = ctx.q("pageToken")
    if token:
        try:
            decoded = json.loads(base64.urlsafe_b64decode(token.encode() + b"=="))
            offset, bound = int(decoded["o"]), decoded["b"]
        except (ValueError, KeyError, TypeError):
            raise invalid("pageToken") from None
        if bound != binding:
            raise invalid("pageToken")
    page = matches[offset:offset + page_size]
    out: dict[str, Any] = {"kind": "drive#fileList"}
    if offset + page_size < len(matches):
        raw = json.dumps({"o": offset + page_size, "b": binding}).encode()
        out["nextPageToken"] = base64.urlsafe_b64encode(raw).decode().rstrip("=")
    out["incompleteSearch"] = False
    out["files"] = [file_json(ss, ctx.email) for ss in page]
    return 200, _masked(ctx, out, LIST_DEFAULT_FIELDS)


def _order(text: str) -> list[tuple[Callable[[Spreadsheet], Any], bool]]:
    keys: dict[str, Callable[[Spreadsheet], Any]] = {
        "createdTime": lambda s: s.created_ms,
        "modifiedTime": lambda s: s.modified_ms,
        "recency": lambda s: s.modified_ms,
        "modifiedByMeTime": lambda s: s.modified_ms,
        "name": lambda s: s.name.casefold(),
        "name_natural": lambda s: [int(t) if t.isdigit() else t for t in re.split(r"(\d+)", s.name.casefold())],
        "starred": lambda s: s.starred,
        "folder": lambda s: s.mime_type != FOLDER_MIME,
    }
    result = []
    for part in [p.strip() for p in text.split(",") if p.strip()]:
        words = part.split()
        if words[0] not in keys or len(words) > 2 or (len(words) == 2 and words[1].lower() not in ("asc", "desc")):
            raise invalid("orderBy", f"Invalid sort key {part}")
        result.append((keys[words[0]], len(words) == 2 and words[1].lower() == "desc"))
    return result


# --------------------------------------------------------------------------------------------------
# permissions
# --------------------------------------------------------------------------------------------------


def permissions_create(ctx: Ctx) -> tuple[int, dict]:
    ss = _visible(ctx, ctx.params["id"])
    if ROLE_RANK.get(ss.role_of(ctx.email) or "", 0) < ROLE_RANK["writer"]:
        raise insufficient()
    body = ctx.json_body()
    perm_type, role = body.get("type"), body.get("role")
    if perm_type not in ("user", "group", "domain", "anyone"):
        raise ApiError(400, "The permission type field is required.", reason="required",
                       location="permission.type")
    if role not in ROLES:
        raise ApiError(400, "The permission role field is required.", reason="required",
                       location="permission.role")
    if perm_type in ("user", "group") and not body.get("emailAddress"):
        raise ApiError(400, "The permission emailAddress field is required.", reason="required",
                       location="permission.emailAddress")
    if perm_type == "domain" and not body.get("domain"):
        raise ApiError(400, "The permission domain field is required.", reason="required",
                       location="permission.domain")
    if role == "owner":
        if not ctx.qbool("transferOwnership"):
            raise ApiError(403, "The transferOwnership parameter must be enabled when the permission role is "
                                "'owner'.", reason="forbidden", location="transferOwnership")
        if ss.role_of(ctx.email) != "owner":
            raise insufficient()
        old_owner = ss.owner
        for p in ss.permissions:
            if p.get("role") == "owner":
                p["role"] = "writer"
        perm = ss.share(body["emailAddress"], "writer")
        perm["role"] = "owner"
        ss.owner = body["emailAddress"]
        ss.share(old_owner, "writer")
    else:
        perm = ss.share(body.get("emailAddress"), role, perm_type, body.get("domain"))
    return 200, _masked(ctx, permission_json(perm), PERMISSION_DEFAULT_FIELDS)


def permissions_list(ctx: Ctx) -> tuple[int, dict]:
    ss = _visible(ctx, ctx.params["id"])
    if ROLE_RANK.get(ss.role_of(ctx.email) or "", 0) < ROLE_RANK["writer"]:
        raise insufficient()
    out = {"kind": "drive#permissionList", "permissions": [permission_json(p) for p in ss.permissions]}
    return 200, _masked(ctx, out, "kind,nextPageToken,permissions(kind,id,type,role)")


def permissions_delete(ctx: Ctx) -> tuple[int, None]:
    ss = _visible(ctx, ctx.params["id"])
    if ROLE_RANK.get(ss.role_of(ctx.email) or "", 0) < ROLE_RANK["writer"]:
        raise insufficient()
    perm = next((p for p in ss.permissions if p["id"] == ctx.params["permission"]), None)
    if perm is None:
        raise ApiError(404, f"Permission not found: {ctx.params['permission']}.", reason="notFound",
                       location="permissionId")
    if perm["role"] == "owner":
        raise ApiError(403, "The owner of a file cannot be removed.", reason="cannotRemoveOwner")
    ss.permissions.remove(perm)
    return 204, None


def comments_list(ctx: Ctx) -> tuple[int, dict]:
    """Comments are not modelled: every visible file has none (gspread's copy() reads them)."""
    _visible(ctx, ctx.params["id"])
    return 200, _masked(ctx, {"kind": "drive#commentList", "comments": []}, "kind,nextPageToken,comments")


# --------------------------------------------------------------------------------------------------
# q
# --------------------------------------------------------------------------------------------------


class QueryError(ValueError):
    pass


_Q_TOKEN = re.compile(r"""\s*(?:(?P<str>'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")|(?P<op>!=|<=|>=|[=<>()])
                          |(?P<word>[A-Za-z_][A-Za-z0-9_.]*))""", re.VERBOSE)

Predicate = Callable[[Spreadsheet], bool]


def _q_tokens(text: str) -> list[tuple[str, str]]:
    pos, out = 0, []
    while pos < len(text):
        if text[pos:].strip() == "":
            break
        m = _Q_TOKEN.match(text, pos)
        if not m:
            raise QueryError(text[pos:])
        kind = m.lastgroup or ""
        value = m.group(kind)
        if kind == "str":
            value = re.sub(r"\\(.)", r"\1", value[1:-1])
        out.append((kind, value))
        pos = m.end()
    return out


def _word_prefix(name: str, needle: str) -> bool:
    name, needle = name.casefold(), needle.casefold()
    if not needle:
        return True
    start = name.find(needle)
    while start != -1:
        if start == 0 or not name[start - 1].isalnum():
            return True
        start = name.find(needle, start + 1)
    return False


def parse_query(text: str, caller: str | None) -> Predicate:
    toks = _q_tokens(text)
    pos = 0

    def peek(offset: int = 0) -> tuple[str, str] | None:
        return toks[pos + offset] if pos + offset < len(toks) else None

    def take() -> tuple[str, str]:
        nonlocal pos
        if pos >= len(toks):
            raise QueryError("unexpected end")
        pos += 1
        return toks[pos - 1]

    def is_word(word: str) -> bool:
        t = peek()
        return t is not None and t[0] == "word" and t[1].lower() == word

    def expr() -> Predicate:
        left = conj()
        while is_word("or"):
            take()
            right = conj()
            left = (lambda a, b: lambda s: a(s) or b(s))(left, right)
        return left

    def conj() -> Predicate:
        left = unary()
        while is_word("and"):
            take()
            right = unary()
            left = (lambda a, b: lambda s: a(s) and b(s))(left, right)
        return left

    def unary() -> Predicate:
        if is_word("not"):
            take()
            inner = unary()
            return lambda s: not inner(s)
        t = peek()
        if t == ("op", "("):
            take()
            inner = expr()
            if take() != ("op", ")"):
                raise QueryError("missing )")
            return inner
        return term()

    def term() -> Predicate:
        kind, value = take()
        if kind == "str":
            if not is_word("in"):
                raise QueryError("expected in")
            take()
            _, field = take()
            who = caller if value == "me" else value
            collections: dict[str, Callable[[Spreadsheet], list[str]]] = {
                "parents": lambda s: s.parents,
                "owners": lambda s: [s.owner.lower()],
                "writers": lambda s: [str(p.get("emailAddress", "")).lower() for p in s.permissions
                                      if ROLE_RANK.get(p["role"], 0) >= ROLE_RANK["writer"]],
                "readers": lambda s: [str(p.get("emailAddress", "")).lower() for p in s.permissions],
            }
            if field not in collections:
                raise QueryError(field)
            target = str(who) if field == "parents" else str(who).lower()
            getter = collections[field]
            return lambda s: target in getter(s)
        if kind != "word":
            raise QueryError(value)
        field = value
        if field == "sharedWithMe":
            return lambda s: s.owner != caller
        op_tok = take()
        if op_tok[0] == "word" and op_tok[1].lower() == "contains":
            op = "contains"
        elif op_tok[0] == "op" and op_tok[1] in ("=", "!=", "<", "<=", ">", ">="):
            op = op_tok[1]
        else:
            raise QueryError(str(op_tok))
        vkind, raw = take()
        if field in ("trashed", "starred"):
            if vkind != "word" or raw.lower() not in ("true", "false") or op not in ("=", "!="):
                raise QueryError(field)
            want = raw.lower() == "true"
            attr = field
            return (lambda s: getattr(s, attr) == want) if op == "=" else (lambda s: getattr(s, attr) != want)
        if vkind != "str":
            raise QueryError(raw)
        if field in ("name", "mimeType", "fullText"):
            getter = (lambda s: s.mime_type) if field == "mimeType" else (lambda s: s.name)
            if op == "contains":
                if field == "fullText":
                    return lambda s: raw.casefold() in getter(s).casefold()
                if field == "mimeType":
                    return lambda s: raw in getter(s)
                return lambda s: _word_prefix(getter(s), raw)
            if field == "fullText" or op not in ("=", "!="):
                raise QueryError(op)
            return (lambda s: getter(s) == raw) if op == "=" else (lambda s: getter(s) != raw)
        if field in ("modifiedTime", "createdTime"):
            try:
                when = parse_rfc3339(raw)
            except ValueError:
                raise QueryError(raw) from None
            attr = "modified_ms" if field == "modifiedTime" else "created_ms"
            compare = {"=": lambda a: a == when, "!=": lambda a: a != when, "<": lambda a: a < when,
                       "<=": lambda a: a <= when, ">": lambda a: a > when, ">=": lambda a: a >= when}.get(op)
            if compare is None:
                raise QueryError(op)
            return lambda s: compare(getattr(s, attr))
        raise QueryError(field)

    predicate = expr()
    if pos != len(toks):
        raise QueryError("trailing input")
    return predicate
