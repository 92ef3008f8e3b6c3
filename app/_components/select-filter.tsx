/** One choice of a list page's filter form (a GET form): "Any", then each option; the current value selected. */
export function SelectFilter({ label, name, value, options }: { label: string; name: string; value: string | null | undefined; options: { value: string; label: string }[] }) {
  return (
    <label className="text-sm text-gray-600">
      {label}
      <select name={name} defaultValue={value ?? ""} className="field mt-1">
        <option value="">Any</option>
        {options.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
    </label>
  );
}
