import type { Command } from "commander";

// Scaffolding: the owning issue replaces this with the real command(s).
export function registerEksTokenCommand(_program: Command): void {}
