import type { ComponentChildren } from "preact";
import { useMemo, useRef, useState } from "preact/hooks";
import {
  type GraphLayout,
  layoutGraph,
  nodesById,
  type PlacedCluster,
  type PlacedNode,
  type Point,
  shapeKey,
} from "./layout";
import type { GraphModel, GraphNode } from "./types";

export interface GraphProps {
  model: GraphModel;
  /** What the graph shows, for screen readers (e.g. `etl v3`). */
  label: string;
  /** The selected node's id. Default: none. */
  selected?: string;
  /** Called when a node is clicked or chosen with Enter or Space. Default: nodes are not selectable. */
  onSelect?: (id: string) => void;
}

/** About the average width of a character of the node font (12 px sans-serif), to cut labels to the box. */
const CHAR_WIDTH = 7;
const ZOOMS = [0.25, 0.4, 0.55, 0.7, 0.85, 1, 1.25, 1.5, 2];
/** "Fit" shows the whole graph down to this scale (labels are unreadable by then, the shape is not). */
const MIN_FIT = 0.1;

/** `label` cut to `max` characters with an ellipsis. */
export function truncateLabel(label: string, max: number): string {
  if (label.length <= max) return label;
  return `${label.slice(0, Math.max(1, max - 1))}…`;
}

function pathOf(points: Point[]): string {
  return points.map((p, i) => `${i === 0 ? "M" : "L"}${p.x.toFixed(1)},${p.y.toFixed(1)}`).join(" ");
}

const tooltip = (node: GraphNode) =>
  [node.label, node.title ?? node.kind, node.phase].filter(Boolean).join(" — ");

const activate = (handler: () => void) => (event: KeyboardEvent) => {
  if (event.key === "Enter" || event.key === " ") {
    event.preventDefault();
    handler();
  }
};

// SVG attributes keep their case, and SVG's is `tabindex`: the camel-cased prop would not make a node focusable.

/**
 * A graph laid out by layout.ts (dagre, or d3-dag for a big one without boxes) and drawn as SVG: nodes
 * coloured by phase, long labels cut with the full name as the tooltip, each node reachable with Tab; nested
 * graphs fold with their toggle. Big graphs scroll inside the box, and zoom with the buttons above it.
 */
export function Graph({ model, label, selected, onSelect }: GraphProps) {
  const [toggled, setToggled] = useState<Record<string, boolean>>({});
  const [zoom, setZoom] = useState<number | undefined>();
  const box = useRef<HTMLDivElement>(null);
  // Laid out again only when the shape changes: a run's new phases are read from `model` when drawing.
  const shape = shapeKey(model);
  const layout: GraphLayout = useMemo(
    () => layoutGraph(model, (node) => toggled[node.id] ?? !node.collapsed),
    [shape, toggled],
  );
  const current = useMemo(() => nodesById(model), [model]);
  // Until the user zooms: the whole width when it fits at a readable size, else 100% with scrolling.
  const fitScale = () => {
    const width = box.current?.clientWidth ?? layout.width;
    return Math.min(1, Math.max(MIN_FIT, (width - 2) / layout.width));
  };
  const scale = zoom ?? (layout.width > 1100 ? Math.max(0.55, fitScale()) : 1);
  const step = (direction: 1 | -1) => {
    // The next level up or down from wherever "Fit" left the scale; none past either end.
    const next =
      direction > 0 ? ZOOMS.find((z) => z > scale + 1e-6) : ZOOMS.findLast((z) => z < scale - 1e-6);
    if (next !== undefined) setZoom(next);
  };
  // Dragging the background scrolls the box (the mouse's pan); nodes and toggles keep their clicks.
  const startPan = (event: PointerEvent) => {
    const scroller = box.current;
    const target = event.target as Element;
    if (!scroller || event.button !== 0 || target.closest(".node, .toggle")) return;
    const start = { x: event.clientX, y: event.clientY, left: scroller.scrollLeft, top: scroller.scrollTop };
    const move = (e: PointerEvent) => {
      scroller.scrollLeft = start.left - (e.clientX - start.x);
      scroller.scrollTop = start.top - (e.clientY - start.y);
    };
    const stop = () => {
      window.removeEventListener("pointermove", move);
      window.removeEventListener("pointerup", stop);
      scroller.classList.remove("panning");
    };
    scroller.classList.add("panning");
    window.addEventListener("pointermove", move);
    window.addEventListener("pointerup", stop);
    event.preventDefault();
  };
  const toggle = (id: string, expanded: boolean) => setToggled((t) => ({ ...t, [id]: !expanded }));

  return (
    <div class="graph">
      <div class="graph-tools" role="toolbar" aria-label="Zoom">
        <button type="button" onClick={() => step(-1)} aria-label="Zoom out">
          −
        </button>
        <span class="muted" aria-live="polite">
          {Math.round(scale * 100)}%
        </span>
        <button type="button" onClick={() => step(1)} aria-label="Zoom in">
          +
        </button>
        <button type="button" onClick={() => setZoom(fitScale())}>
          Fit
        </button>
        <button type="button" onClick={() => setZoom(1)}>
          100%
        </button>
        <span class="muted">
          {layout.nodes.length} node{layout.nodes.length === 1 ? "" : "s"}
        </span>
      </div>
      <div class="graph-scroll" ref={box} onPointerDown={startPan}>
        {/* biome-ignore lint/a11y/useSemanticElements: an SVG drawing has no HTML equivalent to group it with. */}
        <svg
          role="group"
          aria-label={`Graph of ${label}`}
          width={Math.ceil(layout.width * scale)}
          height={Math.ceil(layout.height * scale)}
          viewBox={`0 0 ${layout.width} ${layout.height}`}
        >
          <defs>
            <marker
              id="arrow"
              viewBox="0 0 10 10"
              refX="9"
              refY="5"
              markerWidth="7"
              markerHeight="7"
              orient="auto"
            >
              <path d="M0,0 L10,5 L0,10 z" class="arrowhead" />
            </marker>
          </defs>
          {layout.clusters.map((cluster) => (
            <Cluster
              key={`c:${cluster.node.id}`}
              cluster={cluster}
              onToggle={() => toggle(cluster.node.id, true)}
            />
          ))}
          <g class="edges">
            {layout.edges.map((edge) => (
              <path key={`${edge.from}>${edge.to}`} d={pathOf(edge.points)} marker-end="url(#arrow)" />
            ))}
          </g>
          {layout.nodes.map((placed) => (
            <Node
              key={`n:${placed.node.id}`}
              placed={{ ...placed, node: current.get(placed.node.id) ?? placed.node }}
              selected={placed.node.id === selected}
              onSelect={onSelect}
              onToggle={() => toggle(placed.node.id, false)}
            />
          ))}
        </svg>
      </div>
    </div>
  );
}

function Cluster({ cluster, onToggle }: { cluster: PlacedCluster; onToggle: () => void }) {
  const { node } = cluster;
  const text = truncateLabel(node.label, Math.floor((cluster.width - 24) / CHAR_WIDTH));
  return (
    <g class={`cluster kind-${node.kind}${node.phase ? ` phase-${node.phase.toLowerCase()}` : ""}`}>
      <rect x={cluster.x} y={cluster.y} width={cluster.width} height={cluster.height} rx={8} />
      <Toggle
        expanded
        label={`Collapse ${node.label}`}
        title={`${tooltip(node)} (collapse)`}
        onToggle={onToggle}
      >
        <text x={cluster.x + 6} y={cluster.y - 6}>
          ▾ {text}
        </text>
      </Toggle>
    </g>
  );
}

/** A nested graph's collapse or expand control. */
function Toggle(props: {
  expanded: boolean;
  label: string;
  title: string;
  transform?: string;
  onToggle: () => void;
  children: ComponentChildren;
}) {
  const { expanded, label, title, transform, onToggle, children } = props;
  return (
    // biome-ignore lint/a11y/useSemanticElements: SVG has no <button>; role, tabindex and keys make one.
    <g
      class="toggle"
      transform={transform}
      tabindex={0}
      role="button"
      aria-expanded={expanded ? "true" : "false"}
      aria-label={label}
      onClick={onToggle}
      onKeyDown={activate(onToggle)}
    >
      <title>{title}</title>
      {children}
    </g>
  );
}

function Node(props: {
  placed: PlacedNode;
  selected: boolean;
  onSelect?: (id: string) => void;
  onToggle: () => void;
}) {
  const { placed, selected, onSelect, onToggle } = props;
  const { node, x, y, width, height } = placed;
  const classes = [
    "node",
    `kind-${node.kind}`,
    `phase-${(node.phase ?? "none").toLowerCase()}`,
    selected ? "selected" : "",
  ].join(" ");
  const select = () => onSelect?.(node.id);
  if (node.kind === "group") {
    return (
      <g class={classes} transform={`translate(${x},${y})`}>
        <title>{tooltip(node)}</title>
        <circle cx={width / 2} cy={height / 2} r={width / 2} />
      </g>
    );
  }
  const room = width - 20 - (placed.collapsed ? 22 : 0);
  return (
    <>
      {/* biome-ignore lint/a11y/useSemanticElements: SVG has no <button>; role, tabindex and keys make one. */}
      <g
        class={classes}
        transform={`translate(${x},${y})`}
        tabindex={0}
        role="button"
        aria-pressed={selected}
        aria-label={`${node.label}${node.phase ? `, ${node.phase}` : ""}`}
        data-node={node.id}
        onClick={select}
        onKeyDown={activate(select)}
      >
        <title>{tooltip(node)}</title>
        <rect width={width} height={height} rx={6} />
        <text x={10} y={height / 2} dy="0.35em">
          {truncateLabel(node.label, Math.floor(room / CHAR_WIDTH))}
        </text>
      </g>
      {placed.collapsed ? (
        <Toggle
          expanded={false}
          label={`Expand ${node.label}`}
          title={`Expand ${node.label} (${node.children?.nodes.length ?? 0} inner nodes)`}
          transform={`translate(${x + width - 24},${y + height / 2 - 10})`}
          onToggle={onToggle}
        >
          <rect width={20} height={20} rx={4} />
          <text x={10} y={10} dy="0.35em" text-anchor="middle">
            +
          </text>
        </Toggle>
      ) : null}
    </>
  );
}
