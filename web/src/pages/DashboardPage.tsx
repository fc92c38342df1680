export default function DashboardPage() {
  return <h1>DashboardPage (to be built)</h1>;
}
