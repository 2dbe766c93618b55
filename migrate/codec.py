"""The model as plain JSON-ready values, and back.

One mapping, used by the JSON writer and reader (and anything that ships
records between processes). Every field is written, so dump → read → dump is
the identity and ``schemas/export.schema.json`` can require each one.
"""

from __future__ import annotations

from typing import Any

from migrate.model import Author, Comment, Extra, Post, Site, Source, Term, TermRef, WPDate

FORMAT = "wpmigrate-export"
VERSION = 1


def _date(d: WPDate) -> dict:
    return {"local": d.local, "gmt": d.gmt}


def _meta(meta) -> list:
    return [[k, v] for k, v in meta]


def _extra(extra) -> list:
    return [{"position": e.position, "xml": e.xml} for e in extra]


def _source(s: Source) -> dict:
    return {"file": s.file, "line": s.line}


def author_to_dict(a: Author) -> dict:
    return {
        "login": a.login, "id": a.id, "email": a.email, "display_name": a.display_name,
        "first_name": a.first_name, "last_name": a.last_name, "element": a.element,
        "extra": _extra(a.extra),
    }


def term_to_dict(t: Term) -> dict:
    return {
        "taxonomy": t.taxonomy, "slug": t.slug, "name": t.name, "id": t.id, "parent": t.parent,
        "description": t.description, "meta": _meta(t.meta), "extra": _extra(t.extra),
    }


def site_to_dict(s: Site) -> dict:
    return {
        "title": s.title, "link": s.link, "description": s.description, "language": s.language,
        "pub_date": s.pub_date, "wxr_version": s.wxr_version, "base_site_url": s.base_site_url,
        "base_blog_url": s.base_blog_url, "generator": s.generator,
        "authors": [author_to_dict(a) for a in s.authors],
        "terms": [term_to_dict(t) for t in s.terms],
        "extra": _extra(s.extra), "sources": list(s.sources), "declares_terms": s.declares_terms,
    }


def comment_to_dict(c: Comment) -> dict:
    return {
        "id": c.id, "parent": c.parent, "type": c.type, "kind": c.kind, "approved": c.approved,
        "author": c.author, "author_email": c.author_email, "author_url": c.author_url,
        "author_ip": c.author_ip, "date": _date(c.date), "content": c.content,
        "user_id": c.user_id, "meta": _meta(c.meta), "extra": _extra(c.extra),
        "source": _source(c.source),
    }


def post_to_dict(p: Post) -> dict:
    return {
        "id": p.id, "type": p.type, "status": p.status, "title": p.title, "link": p.link,
        "guid": p.guid, "pub_date": p.pub_date, "creator": p.creator, "content": p.content,
        "excerpt": p.excerpt, "date": _date(p.date), "modified": _date(p.modified),
        "has_modified": p.has_modified, "comment_status": p.comment_status,
        "ping_status": p.ping_status, "slug": p.slug, "parent": p.parent,
        "menu_order": p.menu_order, "password": p.password, "sticky": p.sticky,
        "has_sticky": p.has_sticky, "attachment_url": p.attachment_url,
        "terms": [{"taxonomy": t.taxonomy, "slug": t.slug, "name": t.name} for t in p.terms],
        "meta": _meta(p.meta),
        "comments": [comment_to_dict(c) for c in p.comments],
        "extra": _extra(p.extra), "source": _source(p.source),
    }


# ---------------------------------------------------------------- back

def _d(d: dict) -> WPDate:
    return WPDate(d.get("local", ""), d.get("gmt", ""))


def _m(meta: list) -> tuple:
    return tuple((str(k), str(v)) for k, v in meta)


def _x(extra: list) -> tuple:
    return tuple(Extra(int(e["position"]), e["xml"]) for e in extra)


def _s(s: dict | None) -> Source:
    s = s or {}
    return Source(s.get("file") or "", s.get("line"))


def author_from_dict(d: dict) -> Author:
    return Author(
        login=d["login"], id=d.get("id"), email=d.get("email", ""),
        display_name=d.get("display_name", ""), first_name=d.get("first_name", ""),
        last_name=d.get("last_name", ""), element=d.get("element", "author"),
        extra=_x(d.get("extra", [])),
    )


def term_from_dict(d: dict) -> Term:
    return Term(
        taxonomy=d["taxonomy"], slug=d["slug"], name=d.get("name", ""), id=d.get("id"),
        parent=d.get("parent", ""), description=d.get("description", ""),
        meta=_m(d.get("meta", [])), extra=_x(d.get("extra", [])),
    )


def site_from_dict(d: dict) -> Site:
    return Site(
        title=d.get("title", ""), link=d.get("link", ""), description=d.get("description", ""),
        language=d.get("language", ""), pub_date=d.get("pub_date", ""),
        wxr_version=d.get("wxr_version", ""), base_site_url=d.get("base_site_url", ""),
        base_blog_url=d.get("base_blog_url", ""), generator=d.get("generator", ""),
        authors=tuple(author_from_dict(a) for a in d.get("authors", [])),
        terms=tuple(term_from_dict(t) for t in d.get("terms", [])),
        extra=_x(d.get("extra", [])), sources=tuple(d.get("sources", [])),
        declares_terms=d.get("declares_terms", True),
    )


def comment_from_dict(d: dict) -> Comment:
    return Comment(
        id=d["id"], parent=d.get("parent", 0), type=d.get("type", ""),
        approved=d.get("approved", "1"), author=d.get("author", ""),
        author_email=d.get("author_email", ""), author_url=d.get("author_url", ""),
        author_ip=d.get("author_ip", ""), date=_d(d.get("date", {})),
        content=d.get("content", ""), user_id=d.get("user_id", 0),
        meta=_m(d.get("meta", [])), extra=_x(d.get("extra", [])), source=_s(d.get("source")),
    )


def post_from_dict(d: dict) -> Post:
    return Post(
        id=d["id"], type=d.get("type", "post"), status=d.get("status", "publish"),
        title=d.get("title", ""), link=d.get("link", ""), guid=d.get("guid", ""),
        pub_date=d.get("pub_date", ""), creator=d.get("creator", ""),
        content=d.get("content", ""), excerpt=d.get("excerpt", ""),
        date=_d(d.get("date", {})), modified=_d(d.get("modified", {})),
        has_modified=d.get("has_modified", False),
        comment_status=d.get("comment_status", ""), ping_status=d.get("ping_status", ""),
        slug=d.get("slug", ""), parent=d.get("parent", 0), menu_order=d.get("menu_order", 0),
        password=d.get("password", ""), sticky=d.get("sticky", False),
        has_sticky=d.get("has_sticky", True), attachment_url=d.get("attachment_url", ""),
        terms=tuple(TermRef(t["taxonomy"], t["slug"], t["name"]) for t in d.get("terms", [])),
        meta=_m(d.get("meta", [])),
        comments=tuple(comment_from_dict(c) for c in d.get("comments", [])),
        extra=_x(d.get("extra", [])), source=_s(d.get("source")),
    )


def header(site: Site) -> dict[str, Any]:
    return {"format": FORMAT, "version": VERSION, "site": site_to_dict(site)}
