/** `a=1&b=2` from an object, undefined and empty values left out (filters a user has not set). */
export function queryString(query: Record<string, string | undefined>): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) if (value) params.set(name, value);
  return params.toString();
}
