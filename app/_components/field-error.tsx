/** The attributes that tie a field to its message, once it has one. */
export function fieldErrorProps(name: string, errors: string[] | undefined) {
  return errors ? { "aria-invalid": true, "aria-describedby": `${name}-error` } : {};
}

/** A field's messages from a refusal, under the field; its id is what `fieldErrorProps` points at. */
export function FieldError({ name, errors }: { name: string; errors: string[] | undefined }) {
  if (!errors) return null;
  return (
    <span id={`${name}-error`} className="mt-1 block text-sm text-red-700">
      {errors.join(" ")}
    </span>
  );
}
