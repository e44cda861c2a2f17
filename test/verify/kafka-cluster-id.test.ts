import { describe, expect, it } from 'vitest';
import { kafkaClusterId } from '../cluster/kafka/broker.ts';

describe("the test cluster's Kafka cluster ids", () => {
  it("are Kafka's: 22 URL-safe base64 characters, never starting with '-' (kafka-storage would read it as an option)", () => {
    // one id in 64 starts with '-' when drawn plainly: 5,000 draws meet one almost surely
    const ids = Array.from({ length: 5000 }, kafkaClusterId);
    expect(ids.filter((id) => !/^[A-Za-z0-9_][A-Za-z0-9_-]{21}$/.test(id))).toEqual([]);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
