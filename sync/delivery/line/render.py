"""An approximate HTML picture of Flex messages, to look at them without a phone (`line preview --html`).

It follows the Flex layout rules this service uses (vertical and horizontal boxes, spacing, text
sizes, colours, weights, wrap, flex, align, separators, uri buttons) at LINE's sizes for a "mega"
bubble; it is a preview, not LINE's renderer. Every text and link is HTML-escaped.
"""

from __future__ import annotations

from html import escape

SIZES = {"xxs": 11, "xs": 13, "sm": 14, "md": 16, "lg": 19, "xl": 22, "xxl": 29}
SPACES = {"none": 0, "xs": 2, "sm": 4, "md": 8, "lg": 12, "xl": 16, "xxl": 20}
_ONE_LINE = "white-space: nowrap; overflow: hidden; text-overflow: ellipsis"

_PAGE = """<!doctype html>
<html lang="th"><head><meta charset="utf-8"><title>{title}</title><style>
body {{ background: #8cabd9; font-family: "Noto Sans Thai", "Loma", "Garuda", sans-serif; margin: 24px; }}
.chat {{ display: flex; flex-wrap: wrap; gap: 24px; align-items: flex-start; }}
.item h2 {{ font-size: 13px; color: #fff; margin: 0 0 6px; font-weight: normal; }}
.alt {{ font-size: 12px; color: #fff; max-width: 300px; margin-top: 6px; }}
.bubble {{ width: 300px; background: #fff; border-radius: 17px; overflow: hidden; }}
.block {{ padding: 20px; }} .footer {{ padding: 10px; }} .sep {{ border-top: 1px solid #e0e0e0; }}
.box {{ display: flex; min-width: 0; }} .text {{ min-width: 0; overflow-wrap: anywhere; line-height: 1.4; }}
.button {{ display: block; border-radius: 6px; color: #fff; text-align: center; padding: 14px 8px;
  text-decoration: none; font-size: 16px; }}
hr {{ border: 0; border-top: 1px solid #e0e0e0; margin: 0; width: 100%; }}
</style></head><body><div class="chat">
{items}
</div></body></html>
"""


def _style(node: dict, vertical_parent: bool) -> str:
    flex = node.get("flex", 0 if vertical_parent else 1)
    parts = [f"flex: {flex} 1 {'auto' if flex == 0 else '0'}"]
    if "offsetStart" in node:
        parts.append(f"position: relative; left: {SPACES.get(node['offsetStart'], 0)}px")
    return "; ".join(parts)


def _component(node: dict, vertical_parent: bool = True) -> str:
    kind = node.get("type")
    if kind == "box":
        vertical = node.get("layout") == "vertical"
        gap = SPACES.get(node.get("spacing", "none"), 0)
        inner = "".join(_component(child, vertical) for child in node.get("contents", []))
        direction = "column" if vertical else "row"
        return (f'<div class="box" style="flex-direction: {direction}; gap: {gap}px; {_style(node, vertical_parent)}">'
                f"{inner}</div>")
    if kind == "text":
        style = [
            _style(node, vertical_parent),
            f"font-size: {SIZES.get(node.get('size', 'md'), 16)}px",
            f"color: {escape(node.get('color', '#111111'))}",
            f"font-weight: {'bold' if node.get('weight') == 'bold' else 'normal'}",
            f"text-align: {'right' if node.get('align') == 'end' else 'left'}",
            "white-space: normal" if node.get("wrap") else _ONE_LINE,
        ]
        return f'<div class="text" style="{"; ".join(style)}">{escape(node.get("text", ""))}</div>'
    if kind == "button":
        action = node.get("action", {})
        uri = action.get("uri", "")
        href = escape(uri, quote=True) if uri.startswith(("https://", "http://")) else "#"
        color = escape(node.get("color", "#17c950"))
        return (f'<a class="button" href="{href}" style="background: {color}; {_style(node, vertical_parent)}">'
                f"{escape(action.get('label', ''))}</a>")
    if kind == "separator":
        return "<hr>"
    return ""


def bubble_html(bubble: dict) -> str:
    separators = {name: style.get("separator") for name, style in bubble.get("styles", {}).items()}
    blocks = []
    for name in ("header", "body", "footer"):
        if name in bubble:
            classes = "footer" if name == "footer" else "block"
            classes += " sep" if separators.get(name) else ""
            blocks.append(f'<div class="{classes}">{_component(bubble[name])}</div>')
    return f'<div class="bubble">{"".join(blocks)}</div>'


def page(messages: list[tuple[str, dict]], title: str = "LINE") -> str:
    """An HTML page of Flex messages, each under its heading ("พช.อ.เวียงชัย"), with its altText below."""
    items = []
    for heading, message in messages:
        body = bubble_html(message["contents"]) if message.get("type") == "flex" else (
            f'<div class="bubble"><div class="block text">{escape(message.get("text", ""))}</div></div>')
        alt = message.get("altText", "")
        items.append(f'<div class="item"><h2>{escape(heading)}</h2>{body}'
                     f'{f"<div class=alt>{escape(alt)}</div>" if alt else ""}</div>')
    return _PAGE.format(title=escape(title), items="\n".join(items))
