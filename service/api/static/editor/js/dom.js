// Building the page from data: every value goes in as text (textContent), never as markup.

export function h(tag, props, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(props ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name === "class") node.className = value;
    else if (name === "dataset") Object.assign(node.dataset, value);
    else if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
    else if (name === "href") {
      const url = safeUrl(value);
      if (url) node.setAttribute("href", url);
    } else node.setAttribute(name, value === true ? "" : String(value));
  }
  add(node, children);
  return node;
}

export function add(node, children) {
  for (const child of [children].flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

// Only http(s) links, so a URL from an article can never be `javascript:`.
export function safeUrl(value) {
  try {
    const url = new URL(String(value), location.href);
    return url.protocol === "http:" || url.protocol === "https:" ? url.href : null;
  } catch {
    return null;
  }
}

export function section(title, className, ...children) {
  return h("section", { class: `card ${className ?? ""}`.trim() }, h("h2", null, title), ...children);
}

export function list(items, render, props) {
  return h("ul", props, items.map((item, index) => h("li", null, render(item, index))));
}

export function when(iso) {
  if (!iso) return "";
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? String(iso) : date.toLocaleString();
}

export function percent(value) {
  return `${(Number(value) * 100).toFixed(1)} %`;
}
