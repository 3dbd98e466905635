import { bench, report } from './recycle.bench';

describe('recycler benchmark', () => {
  test('1,000 services: ListServices pages + DescribeServices batches + distinct task definitions + matches, and the wall time', async () => {
    const result = await bench(1000);
    console.log(report(result));
    // 500 services per cluster: 5 pages and 50 batches each; every service has its own task definition.
    expect(result.calls).toEqual({ ListServices: 10, DescribeServices: 100, DescribeTaskDefinition: 1000, UpdateService: 3 });
    expect(result.summary).toMatchObject({ recycled: 3, failed: 0, servicesScanned: 1000 });
    expect(result.wallMs).toBeLessThan(30_000);
  });
});
