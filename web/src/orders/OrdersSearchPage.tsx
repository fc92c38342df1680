export default function OrdersSearchPage({ mode }: { mode: 'all' | 'review' }) {
  return <h1>{mode === 'all' ? 'View All Orders' : 'Review Orders'} (to be built)</h1>;
}
