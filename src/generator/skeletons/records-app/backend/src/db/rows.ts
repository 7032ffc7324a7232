/** `.returning()` on a write that matched gives exactly one row; an empty result is a bug, not a 404. */
export function firstRow<T>(rows: T[]): T {
  const [row] = rows;
  if (row === undefined) throw new Error('The database returned no row for a write that should have produced one');
  return row;
}
