import { container, secretEnv, workflow } from "skiff";

export const hera = "upstream/secrets.yaml";

const printSecret = container({
  name: "print-secret",
  image: "alpine:3.7",
  command: ["sh", "-c"],
  args: [
    ' echo "secret from env: $MYSECRETPASSWORD"; echo "secret from file: `cat /secret/mountpath/mypassword`" ',
  ],
  env: { MYSECRETPASSWORD: secretEnv("my-secret", "mypassword") },
  volumeMounts: [{ name: "my-secret-vol", mountPath: "/secret/mountpath" }],
});

export default workflow({
  generateName: "secrets-",
  entrypoint: printSecret,
  volumes: [{ name: "my-secret-vol", secret: { secretName: "my-secret" } }],
});
