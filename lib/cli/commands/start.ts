import type { Command } from "commander";

// Scaffolding: the owning issue replaces this with the real command(s).
export function registerStartCommand(_program: Command): void {}
