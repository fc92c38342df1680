export default function OrderDetailPage() {
  return <h1>Order (to be built)</h1>;
}
