/** Raw recorded JSON, read-only and selectable. */
export function JsonView({ value }: { value: unknown }) {
  return (
    <pre className="json-view mono" data-testid="json-view">
      {JSON.stringify(value, null, 2)}
    </pre>
  )
}
