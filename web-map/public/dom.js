// The page's one DOM helper: every module builds its elements with
// `element` and finds the page's own by id with `$`. Data always goes in as
// text (a text child or the "text" attribute), never as HTML.

export const $ = (id) => document.getElementById(id);

// <tag> with its attributes and children. Attributes: "text" (its text),
// "class", "dataset" (an object), any other name as an HTML attribute (true
// for an empty one); null, undefined and false are left out. Children:
// nodes, or strings (text nodes); null and undefined are left out.
export function element(tag, attributes = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attributes)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === "text") e.textContent = v;
    else if (k === "dataset") Object.assign(e.dataset, v);
    else e.setAttribute(k, v === true ? "" : v);
  }
  e.append(...children.filter((c) => c !== null && c !== undefined));
  return e;
}
