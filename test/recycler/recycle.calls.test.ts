import { bench } from './recycle.bench';

describe('the recycler handler over 1,000 services', () => {
  test('pages ListServices, batches DescribeServices by 10 and describes each task definition once', async () => {
    const result = await bench(1000);
    // 500 services per cluster: 5 pages and 50 batches each; every service has its own task definition.
    expect(result.calls).toEqual({ ListServices: 10, DescribeServices: 100, DescribeTaskDefinition: 1000, UpdateService: 3 });
    expect(result.summary).toMatchObject({ recycled: 3, failed: 0, servicesScanned: 1000 });
  });
});
