export default function SignInPage() {
  return <h1>SignInPage (to be built)</h1>;
}
