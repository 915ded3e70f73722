/** A `when`, `depends` or `{{=…}}` expression could not be parsed or evaluated. */
export class ExpressionError extends Error {
  override readonly name = "ExpressionError";
  /** The expression text the error is about. */
  readonly expression: string;

  constructor(message: string, expression: string, options?: ErrorOptions) {
    super(message, options);
    this.expression = expression;
  }
}

/** A `{{…}}` tag could not be substituted (unknown variable in strict mode, bad expression, unclosed tag). */
export class SubstitutionError extends Error {
  override readonly name = "SubstitutionError";
  /** The tag (without braces) the error is about, when there is one. */
  readonly tag: string | undefined;

  constructor(message: string, tag?: string, options?: ErrorOptions) {
    super(message, options);
    this.tag = tag;
  }
}
