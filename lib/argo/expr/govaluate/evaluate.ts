/** govaluate's evaluation stages (evaluationStage.go): float64 numbers, type checks, short-circuits. */
import { goRegExp } from "../exprlang/regexp";
import { deepEqual, goSprintFloat64 } from "../exprlang/values";
import type { GNode } from "./parser";

const isNumber = (v: unknown): v is number => typeof v === "number";
const isString = (v: unknown): v is string => typeof v === "string";
const isBool = (v: unknown): v is boolean => typeof v === "boolean";

const errorFormats = {
  logical: (v: unknown, op: string) =>
    `Value '${goSprintFloat64(v)}' cannot be used with the logical operator '${op}', it is not a bool`,
  modifier: (v: unknown, op: string) =>
    `Value '${goSprintFloat64(v)}' cannot be used with the modifier '${op}', it is not a number`,
  comparator: (v: unknown, op: string) =>
    `Value '${goSprintFloat64(v)}' cannot be used with the comparator '${op}', it is not a number`,
  ternary: (v: unknown, op: string) =>
    `Value '${goSprintFloat64(v)}' cannot be used with the ternary operator '${op}', it is not a bool`,
  prefix: (v: unknown, op: string) => `Value '${goSprintFloat64(v)}' cannot be used with the prefix '${op}'`,
};

function check(ok: boolean, message: string): void {
  if (!ok) throw new Error(message);
}

export function evaluate(node: GNode): unknown {
  switch (node.kind) {
    case "literal":
      return node.value;
    case "accessor":
      throw new Error(`No parameter '${node.path[0]}' found.`);
    case "prefix": {
      const v = evaluate(node.operand);
      if (node.op === "-") {
        check(isNumber(v), errorFormats.prefix(v, "-"));
        return -(v as number);
      }
      if (node.op === "!") {
        check(isBool(v), errorFormats.prefix(v, "!"));
        return !v;
      }
      check(isNumber(v), errorFormats.prefix(v, "~"));
      return Number(~BigInt.asIntN(64, BigInt(Math.trunc(v as number))));
    }
    case "binary":
      return evaluateBinary(node.op, node.left, node.right);
  }
}

function evaluateBinary(op: string, leftNode: GNode, rightNode: GNode): unknown {
  const left = evaluate(leftNode);
  // Short-circuits, as govaluate's evaluateStage does before evaluating the right side.
  if (op === "&&" && left === false) return false;
  if (op === "||" && left === true) return true;
  if (op === "??" && left !== null) return left;
  if (op === "?" && left === false) return null;
  if (op === ":" && left !== null) return left;
  const right = evaluate(rightNode);
  switch (op) {
    case ",":
      return Array.isArray(left) ? [...left, right] : [left, right];
    case "&&":
    case "||":
      check(isBool(left), errorFormats.logical(left, op));
      check(isBool(right), errorFormats.logical(right, op));
      return op === "&&" ? (left as boolean) && (right as boolean) : (left as boolean) || (right as boolean);
    case "?":
      check(isBool(left), errorFormats.ternary(left, op));
      return left ? right : null;
    case ":":
    case "??":
      return left ?? right;
    case "==":
      return deepEqual(left, right) && typeof left === typeof right;
    case "!=":
      return !(deepEqual(left, right) && typeof left === typeof right);
    case ">":
    case "<":
    case ">=":
    case "<=": {
      const comparable = (isNumber(left) && isNumber(right)) || (isString(left) && isString(right));
      check(comparable, errorFormats.comparator(left, op));
      const l = left as number | string;
      const r = right as number | string;
      return op === ">" ? l > r : op === "<" ? l < r : op === ">=" ? l >= r : l <= r;
    }
    case "=~":
    case "!~": {
      check(isString(left), errorFormats.comparator(left, op === "=~" ? "=~" : "!~"));
      check(isString(right), errorFormats.comparator(right, op));
      let pattern: RegExp;
      try {
        pattern = goRegExp(right as string);
      } catch (cause) {
        throw new Error(`Unable to compile regexp pattern '${String(right)}': ${(cause as Error).message}`);
      }
      const matched = pattern.test(left as string);
      return op === "=~" ? matched : !matched;
    }
    case "in":
      check(Array.isArray(right), errorFormats.comparator(right, "in"));
      return (right as unknown[]).some((v) => v === left);
    case "+":
      if (isString(left) || isString(right)) return goSprintFloat64(left) + goSprintFloat64(right);
      check(isNumber(left) && isNumber(right), errorFormats.modifier(left, op));
      return (left as number) + (right as number);
    default: {
      check(isNumber(left), errorFormats.modifier(left, op));
      check(isNumber(right), errorFormats.modifier(right, op));
      const l = left as number;
      const r = right as number;
      const int = (n: number) => BigInt.asIntN(64, BigInt(Math.trunc(n)));
      const uint = (n: number) => BigInt.asUintN(64, BigInt(Math.trunc(n)));
      switch (op) {
        case "-":
          return l - r;
        case "*":
          return l * r;
        case "/":
          return l / r;
        case "%":
          return l % r;
        case "**":
          return l ** r;
        case "&":
          return Number(int(l) & int(r));
        case "|":
          return Number(int(l) | int(r));
        case "^":
          return Number(int(l) ^ int(r));
        case "<<":
          return Number(BigInt.asUintN(64, uint(l) << uint(r)));
        default:
          return Number(uint(l) >> uint(r));
      }
    }
  }
}
