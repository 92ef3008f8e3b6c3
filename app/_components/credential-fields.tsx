/** Email and password, named and marked for password managers; shared by the organisation's sign-in and the apex's. */
export function CredentialFields() {
  return (
    <>
      <label className="block text-sm font-medium">
        Email
        <input name="email" type="email" autoComplete="username" required className="field mt-1" />
      </label>
      <label className="block text-sm font-medium">
        Password
        <input name="password" type="password" autoComplete="current-password" required className="field mt-1" />
      </label>
    </>
  );
}
