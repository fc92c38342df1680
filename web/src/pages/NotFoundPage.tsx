export default function NotFoundPage() {
  return <h1>NotFoundPage (to be built)</h1>;
}
