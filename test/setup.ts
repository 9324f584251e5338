import { prepareTemplate } from './db.js'

await prepareTemplate()
