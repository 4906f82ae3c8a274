/**
 * The one model of a config: a tree of lines, any depth, read from
 * indentation and from each family's section ends. Diff, compliance, the
 * planner and the lab's running config all read configs through it.
 */

export interface ConfigNode {
  /** The line with surrounding blanks trimmed and inner runs of blanks made one space. */
  text: string;
  /** Lines inside this one's section, in the order the config printed them. */
  children: ConfigNode[];
}

/** How one CLI family prints sections. Plain data, kept in the family's profile. */
export interface TreeSyntax {
  /**
   * Lines that close the innermost open section and configure nothing
   * (`exit`, `exit-address-family`, `quit`). When indentation has already
   * closed that section, the line is just dropped.
   */
  sectionEnds: readonly RegExp[];
  /**
   * Lines that configure nothing and are dropped wherever they appear:
   * comments (`!`), `end`, `version`, volatile lines. One at the left
   * margin closes every open section; a blank line closes flat sections.
   */
  ignored: readonly RegExp[];
  /**
   * Section openers whose body some firmware prints at the opener's own
   * indentation, up to the next `!`, blank line or section end (FSOS
   * `interface ethernet 1/1` blocks). Another flat opener closes the
   * previous one. When the first line after the opener is indented, the
   * section is an ordinary indented one (blank lines inside it included).
   */
  flatSections: readonly RegExp[];
  /**
   * Sections whose children keep their printed order and are never merged
   * (ACL entries, `remark`s): two configs with the same entries in another
   * order differ. Everywhere else order does not matter, and a section
   * printed twice (`interface vlan 10` once per feature) is one section.
   */
  orderedSections: readonly RegExp[];
}

/** What every family shares: `!` comments, `end`, the `version` banner, `exit`. */
export const COMMON_TREE_SYNTAX: TreeSyntax = {
  sectionEnds: [/^exit$/, /^exit-[\w-]+$/, /^quit$/],
  ignored: [/^!/, /^end$/, /^version\b/],
  flatSections: [],
  orderedSections: [/^(?:ip|ipv6|mac) access-list\b/, /^access-list\b/],
};

interface OpenSection {
  node: ConfigNode;
  indent: number;
  /** Takes lines at its own indentation: a flat opener until its first line turns out indented. Worked out when first needed. */
  flat: boolean | undefined;
  /** Whether a line of its body has been read (which decides `flat`). */
  bodySeen: boolean;
  /** Children by text, for merging sections printed twice; built on the first child, never in ordered sections. */
  byText: Map<string, ConfigNode> | undefined;
  /** Worked out on the first child. */
  ordered: boolean | undefined;
}

function matchesAny(patterns: readonly RegExp[], text: string): boolean {
  for (const pattern of patterns) if (pattern.test(text)) return true;
  return false;
}

function indentOf(line: string): number {
  return line.length - line.trimStart().length;
}

function isFlat(section: OpenSection, syntax: TreeSyntax): boolean {
  section.flat ??= matchesAny(syntax.flatSections, section.node.text);
  return section.flat;
}

/** Whether a line at `indent` belongs inside `section`. */
function accepts(section: OpenSection, indent: number, trimmed: string, syntax: TreeSyntax): boolean {
  if (indent !== section.indent) return indent > section.indent;
  return isFlat(section, syntax) && !matchesAny(syntax.flatSections, trimmed);
}

/** A blank line ends flat sections (and what is open inside them). */
function closeFlat(open: OpenSection[], syntax: TreeSyntax): void {
  const firstFlat = open.findIndex((section) => isFlat(section, syntax));
  if (firstFlat >= 0) open.length = firstFlat;
}

/** The list a new line at the top of `open` goes into, and its index by text (none in ordered sections). */
function childList(open: readonly OpenSection[], roots: ConfigNode[], rootIndex: Map<string, ConfigNode>, syntax: TreeSyntax): [ConfigNode[], Map<string, ConfigNode> | undefined] {
  const top = open.at(-1);
  if (top === undefined) return [roots, rootIndex];
  top.ordered ??= matchesAny(syntax.orderedSections, top.node.text);
  if (!top.ordered) top.byText ??= new Map(top.node.children.map((child) => [child.text, child]));
  return [top.node.children, top.byText];
}

/**
 * The top-level nodes of a config. Indentation nests (any width, any depth),
 * section ends close, ignored lines vanish, flat sections take the lines at
 * their own indentation, and same-text siblings merge outside ordered sections.
 */
export function parseConfigTree(text: string, syntax: TreeSyntax): ConfigNode[] {
  const roots: ConfigNode[] = [];
  const rootIndex = new Map<string, ConfigNode>();
  const open: OpenSection[] = [];
  for (const raw of text.replace(/\r\n?/g, '\n').split('\n')) {
    const line = raw.trimEnd();
    // Runs of blanks inside a line are alignment (IOS prints `deny   ip any any`): one space means the same.
    const trimmed = line.trim().replace(/\s+/g, ' ');
    const indent = indentOf(line);
    if (trimmed === '') {
      closeFlat(open, syntax);
      continue;
    }
    if (matchesAny(syntax.ignored, trimmed)) {
      // At the margin it is a separator between top-level sections (IOS prints `!` there): nothing stays open.
      if (indent === 0) open.length = 0;
      continue;
    }
    if (matchesAny(syntax.sectionEnds, trimmed)) {
      let closedByIndent = false;
      while (open.length > 0 && !accepts(open[open.length - 1] as OpenSection, indent, trimmed, syntax)) {
        closedByIndent ||= (open.pop() as OpenSection).indent === indent;
      }
      if (!closedByIndent) open.pop();
      continue;
    }
    while (open.length > 0 && !accepts(open[open.length - 1] as OpenSection, indent, trimmed, syntax)) open.pop();
    const parent = open.at(-1);
    // A flat opener whose first line is indented prints its body indented: it is an ordinary section.
    if (parent !== undefined && !parent.bodySeen) {
      parent.bodySeen = true;
      if (indent > parent.indent) parent.flat = false;
    }
    const [list, byText] = childList(open, roots, rootIndex, syntax);
    let node = byText?.get(trimmed);
    if (node === undefined) {
      node = { text: trimmed, children: [] };
      list.push(node);
      byText?.set(trimmed, node);
    }
    // An indented line with nothing open (IOS 12.0 printed some `interface` blocks one space in, after
    // a `!`) is typed at the top by a switch, its body with it: read as a flat section until the next
    // `!` or blank line, or as an ordinary one if its body is indented further.
    const stray = parent === undefined && indent > 0;
    open.push({ node, indent, flat: stray ? true : undefined, bodySeen: false, byText: undefined, ordered: undefined });
  }
  return roots;
}

/** The tree as config text: one space of indentation per level, one final newline (none when empty). */
export function renderConfigTree(nodes: readonly ConfigNode[]): string {
  const lines: string[] = [];
  const walk = (list: readonly ConfigNode[], depth: number): void => {
    for (const node of list) {
      lines.push(' '.repeat(depth) + node.text);
      walk(node.children, depth + 1);
    }
  };
  walk(nodes, 0);
  return lines.length === 0 ? '' : lines.join('\n') + '\n';
}

function canonical(node: ConfigNode, ordered: readonly RegExp[]): string {
  const children = node.children.map((child) => canonical(child, ordered));
  if (!matchesAny(ordered, node.text)) children.sort();
  return children.length === 0 ? JSON.stringify(node.text) : `${JSON.stringify(node.text)}{${children.join(',')}}`;
}

/**
 * Whether two trees configure the same thing: siblings compare as sets,
 * except the children of ordered sections, which compare in order.
 */
export function sameConfig(a: readonly ConfigNode[], b: readonly ConfigNode[], syntax: Pick<TreeSyntax, 'orderedSections'> = COMMON_TREE_SYNTAX): boolean {
  if (a.length !== b.length) return false;
  const keys = (list: readonly ConfigNode[]): string[] => list.map((node) => canonical(node, syntax.orderedSections)).sort();
  const left = keys(a);
  const right = keys(b);
  return left.every((key, index) => key === right[index]);
}
