// Infrastructure in Docker containers (testcontainers), used where a Docker engine answers. Machines without
// one (the project's CI machines) use the project's own Kafka broker and the local PostgreSQL instead.
import { GenericContainer, getContainerRuntimeClient, type StartedTestContainer, Wait } from 'testcontainers';

export interface StartedInfrastructure {
  /** Kafka bootstrap servers or a PostgreSQL admin URL. */
  address: string;
  stop(): Promise<void>;
}

let runtimeFound: Promise<boolean> | undefined;

/**
 * True when testcontainers finds a container runtime (Docker socket, DOCKER_HOST, Podman...); asked once
 * per process. AUTOVERIFY_NO_DOCKER=true skips containers even where Docker runs.
 */
export function dockerAvailable(): Promise<boolean> {
  if (process.env.AUTOVERIFY_NO_DOCKER === 'true') return Promise.resolve(false);
  runtimeFound ??= getContainerRuntimeClient().then(
    () => true,
    () => false,
  );
  return runtimeFound;
}

const stopper = (container: StartedTestContainer) => async () => {
  await container.stop();
};

/**
 * A single-node KRaft broker. Kafka must advertise an address clients can reach, so the host port is
 * fixed rather than random (KAFKA_CONTAINER_PORT, default 39092).
 */
export async function startKafkaContainer(
  hostPort = Number(process.env.KAFKA_CONTAINER_PORT ?? 39092),
): Promise<StartedInfrastructure> {
  const container = await new GenericContainer('apache/kafka:4.1.0')
    .withExposedPorts({ container: 9092, host: hostPort })
    .withEnvironment({
      KAFKA_NODE_ID: '1',
      KAFKA_PROCESS_ROLES: 'broker,controller',
      KAFKA_LISTENERS: 'PLAINTEXT://:9092,CONTROLLER://:9093',
      KAFKA_ADVERTISED_LISTENERS: `PLAINTEXT://127.0.0.1:${hostPort}`,
      KAFKA_CONTROLLER_LISTENER_NAMES: 'CONTROLLER',
      KAFKA_CONTROLLER_QUORUM_VOTERS: '1@localhost:9093',
      KAFKA_LISTENER_SECURITY_PROTOCOL_MAP: 'CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
      KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: '1',
      KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR: '1',
      KAFKA_TRANSACTION_STATE_LOG_MIN_ISR: '1',
      KAFKA_SHARE_COORDINATOR_STATE_TOPIC_REPLICATION_FACTOR: '1',
      KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS: '0',
      KAFKA_AUTO_CREATE_TOPICS_ENABLE: 'false',
    })
    .withWaitStrategy(Wait.forLogMessage(/Kafka Server started/))
    .start();
  return { address: `127.0.0.1:${hostPort}`, stop: stopper(container) };
}

export async function startPostgresContainer(): Promise<StartedInfrastructure> {
  const container = await new GenericContainer('postgres:17')
    .withExposedPorts(5432)
    .withEnvironment({ POSTGRES_HOST_AUTH_METHOD: 'trust' })
    .withWaitStrategy(Wait.forLogMessage(/database system is ready to accept connections/, 2))
    .start();
  return {
    address: `postgresql://postgres@${container.getHost()}:${container.getMappedPort(5432)}/postgres`,
    stop: stopper(container),
  };
}
