"""Tiny WXR documents built in code, so each rule's fixtures stay a few lines."""

from __future__ import annotations

from pathlib import Path

NS = ('xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/" '
      'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
      'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/"')


def cdata(s: str) -> str:
    return "<![CDATA[" + s.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def comment(cid: int, parent: int = 0, approved: str = "1", date: str = "2020-01-02 12:00:00",
            gmt: str = "2020-01-02 10:00:00") -> str:
    return (f"<wp:comment><wp:comment_id>{cid}</wp:comment_id>"
            f"<wp:comment_date>{cdata(date)}</wp:comment_date><wp:comment_date_gmt>{cdata(gmt)}</wp:comment_date_gmt>"
            f"<wp:comment_content>{cdata('Hi')}</wp:comment_content>"
            f"<wp:comment_approved>{cdata(approved)}</wp:comment_approved>"
            f"<wp:comment_parent>{parent}</wp:comment_parent></wp:comment>")


def item(pid: int | str = 1, *, type: str = "post", status: str = "publish", slug: str | None = None,
         parent: int = 0, title: str | None = None, creator: str = "admin", content: str = "",
         date: str = "2020-01-01 12:00:00", gmt: str = "2020-01-01 10:00:00", link: str | None = None,
         attachment_url: str | None = None, meta: tuple[tuple[str, str], ...] = (),
         cats: tuple[tuple[str, str], ...] = (), comments: tuple[str, ...] = ()) -> str:
    slug = f"item-{pid}" if slug is None else slug
    title = f"Item {pid}" if title is None else title
    link = f"https://example.org/{slug}/" if link is None else link
    parts = [
        "<item>",
        f"<title>{cdata(title)}</title>",
        f"<link>{link}</link>",
        f"<dc:creator>{cdata(creator)}</dc:creator>",
        f"<content:encoded>{cdata(content)}</content:encoded>",
        f"<wp:post_id>{pid}</wp:post_id>",
        f"<wp:post_date>{cdata(date)}</wp:post_date>",
        f"<wp:post_date_gmt>{cdata(gmt)}</wp:post_date_gmt>",
        f"<wp:post_name>{cdata(slug)}</wp:post_name>",
        f"<wp:status>{cdata(status)}</wp:status>",
        f"<wp:post_parent>{parent}</wp:post_parent>",
        f"<wp:post_type>{cdata(type)}</wp:post_type>",
    ]
    if type == "attachment" or attachment_url is not None:
        if attachment_url is not None:
            parts.append(f"<wp:attachment_url>{cdata(attachment_url)}</wp:attachment_url>")
    for domain, nicename in cats:
        parts.append(f'<category domain="{domain}" nicename="{nicename}">{cdata(nicename)}</category>')
    for k, v in meta:
        parts.append(f"<wp:postmeta><wp:meta_key>{cdata(k)}</wp:meta_key>"
                     f"<wp:meta_value>{cdata(v)}</wp:meta_value></wp:postmeta>")
    parts.extend(comments)
    parts.append("</item>")
    return "\n".join(parts)


def attachment(pid: int, parent: int = 0, url: str | None = None) -> str:
    return item(pid, type="attachment", status="inherit", parent=parent,
                attachment_url=url if url is not None else f"https://example.org/wp-content/uploads/f{pid}.jpg")


def wxr(*items: str, version: str | None = "1.2", authors: tuple[str, ...] = ("admin",),
        terms: tuple[tuple[str, str, str], ...] = (("category", "news", ""),), prolog: str = "",
        root: str = "rss") -> str:
    head = ['<?xml version="1.0" encoding="UTF-8"?>', prolog, f'<{root} version="2.0" {NS}>', "<channel>",
            "<title>T</title>", "<link>https://example.org</link>"]
    if version is not None:
        head.append(f"<wp:wxr_version>{version}</wp:wxr_version>")
    head.append("<wp:base_blog_url>https://example.org</wp:base_blog_url>")
    for login in authors:
        head.append(f"<wp:author><wp:author_login>{cdata(login)}</wp:author_login></wp:author>")
    for tax, slug, parent in terms:
        if tax == "category":
            head.append(f"<wp:category><wp:category_nicename>{slug}</wp:category_nicename>"
                        f"<wp:category_parent>{parent}</wp:category_parent></wp:category>")
        else:
            head.append(f"<wp:term><wp:term_taxonomy>{tax}</wp:term_taxonomy><wp:term_slug>{slug}</wp:term_slug>"
                        f"<wp:term_parent>{parent}</wp:term_parent></wp:term>")
    return "\n".join([*head, *items, "</channel>", f"</{root}>", ""])


def write(tmp: Path, text: str | bytes, name: str = "export.xml") -> Path:
    p = tmp / name
    if isinstance(text, str):
        p.write_text(text, encoding="utf-8")
    else:
        p.write_bytes(text)
    return p
